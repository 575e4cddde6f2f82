package dev.braintrust.reactive.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks the handler for a request by method and path. A path that matches a route under another
 * method is answered 405, one that matches none 404, so clients see the API's statuses.
 */
public final class Router {
  /** Serves one route; {@code params} are the path pattern's capture groups in order. */
  @FunctionalInterface
  public interface Handler {
    /** Answers the request, or throws {@link HttpError}. */
    Reply handle(Exchange ex, List<String> params);
  }

  private record Route(String method, Pattern path, Handler handler) {}

  private final List<Route> routes;

  private Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  /** An empty route table to fill. */
  public static Builder builder() {
    return new Builder();
  }

  /** Serves the request with the first route that matches its method and path. */
  public Reply route(Exchange ex) {
    boolean pathKnown = false;
    for (Route r : routes) {
      Matcher m = r.path.matcher(ex.path());
      if (!m.matches()) {
        continue;
      }
      pathKnown = true;
      if (r.method.equals(ex.method())) {
        List<String> params = new ArrayList<>(m.groupCount());
        for (int i = 1; i <= m.groupCount(); i++) {
          params.add(m.group(i));
        }
        try {
          return r.handler.handle(ex, params);
        } catch (HttpError e) {
          return Reply.error(e.status(), e.getMessage());
        }
      }
    }
    return pathKnown
        ? Reply.error(405, "method " + ex.method() + " not allowed on " + ex.path())
        : Reply.error(404, "no route for " + ex.method() + " " + ex.path());
  }

  /** Collects routes; the router itself is immutable so event-loop threads can share it. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();

    private Builder() {}

    /** Adds a route: {@code path} is a regular expression matched against the whole path. */
    public Builder on(String method, String path, Handler handler) {
      routes.add(new Route(method, Pattern.compile(path), handler));
      return this;
    }

    /** The router. */
    public Router build() {
      return new Router(routes);
    }
  }
}

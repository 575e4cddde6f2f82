package dev.braintrust.reactive.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Picks the handler for a request by method and path. A path that matches a route under another
 * method is answered 405, one that matches none 404, so clients see the API's statuses. Path
 * parameters are single segments, handed to handlers percent-decoded.
 */
public final class Router {
  /** Serves one route; {@code params} are the path pattern's capture groups in order. */
  @FunctionalInterface
  public interface Handler {
    /** Answers the request, or throws {@link HttpError}. */
    Reply handle(Exchange ex, List<String> params);
  }

  /**
   * Serves requests under a path prefix with their raw bytes, before authentication and JSON
   * parsing: a signed object-store URL carries its own credential and a binary body.
   */
  @FunctionalInterface
  public interface RawHandler {
    /** Answers the request. */
    Reply handle(
        String method, String path, String query, Map<String, String> headers, RawBody body);

    /**
     * Whether this request's body is needed whole (the default); false has the gateway only count
     * and digest it as it arrives, so a large upload the server does not keep is never held.
     */
    default boolean needsBytes(String method) {
      return true;
    }
  }

  private record Route(String method, Pattern path, Handler handler) {}

  private final List<Route> routes;
  private final Map<String, RawHandler> raw;

  private Router(List<Route> routes, Map<String, RawHandler> raw) {
    this.routes = List.copyOf(routes);
    this.raw = Map.copyOf(raw);
  }

  /** The raw handler whose prefix {@code path} starts with, or null. */
  public @Nullable RawHandler raw(String path) {
    for (Map.Entry<String, RawHandler> e : raw.entrySet()) {
      if (path.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
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
        try {
          List<String> params = new ArrayList<>(m.groupCount());
          for (int i = 1; i <= m.groupCount(); i++) {
            params.add(decode(m.group(i)));
          }
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

  /**
   * A path segment with its percent-escapes decoded as UTF-8 ({@code +} stays a plus, as in any
   * path); 400 for a malformed escape.
   */
  static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < segment.length()) {
      int pct = segment.indexOf('%', i);
      int end = pct < 0 ? segment.length() : pct;
      out.writeBytes(segment.substring(i, end).getBytes(StandardCharsets.UTF_8));
      if (pct < 0) {
        break;
      }
      int hi = pct + 2 < segment.length() ? Character.digit(segment.charAt(pct + 1), 16) : -1;
      int lo = hi < 0 ? -1 : Character.digit(segment.charAt(pct + 2), 16);
      if (lo < 0) {
        throw HttpError.badRequest("malformed percent-escape in path segment '" + segment + "'");
      }
      out.write(hi * 16 + lo);
      i = pct + 3;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Collects routes; the router itself is immutable so event-loop threads can share it. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, RawHandler> raw = new java.util.HashMap<>();

    private Builder() {}

    /** Adds a route: {@code path} is a regular expression matched against the whole path. */
    public Builder on(String method, String path, Handler handler) {
      routes.add(new Route(method, Pattern.compile(path), handler));
      return this;
    }

    /** Serves every request whose path starts with {@code prefix} with {@code handler}. */
    public Builder raw(String prefix, RawHandler handler) {
      raw.put(prefix, handler);
      return this;
    }

    /** The router. */
    public Router build() {
      return new Router(routes, raw);
    }
  }
}

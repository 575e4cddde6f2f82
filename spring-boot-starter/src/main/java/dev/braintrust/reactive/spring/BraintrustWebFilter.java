package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.Tracing;
import dev.braintrust.reactive.core.internal.SignalWatch;
import dev.braintrust.reactive.spring.internal.Traceparent;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.resource.ResourceWebHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Opens a root {@code task} span per request and puts it in the Reactor {@code Context}, so every
 * traced call made while handling the request is its child. Once the handler has run, the span is
 * renamed after the route pattern ({@code GET /orders/{id}}, never the raw path) and records {@code
 * http.request.method}, {@code http.route}, {@code url.path} (no query) and {@code
 * http.response.status_code} as metadata; its start and end give the duration. A 5xx records the
 * error; a 4xx records only {@code error.type}. A valid inbound W3C {@code traceparent} makes the
 * span a child of the caller's.
 *
 * <p>Runs early ({@link #ORDER}), before security filters, so rejected requests are traced too.
 */
public final class BraintrustWebFilter implements WebFilter, Ordered {
  /** Early, but leaves room for filters that must see the request first. */
  public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

  private final Tracer tracer;
  private final List<PathPattern> excluded;
  // The literal start of each excluded pattern: most requests fail this cheap test.
  private final String[] excludedPrefixes;
  private final boolean acceptTraceparent;
  private final boolean traceStaticResources;

  /**
   * A filter starting spans with {@code tracer}, skipping paths that match {@code excludePaths} /**
   * patterns such as {@code /actuator/**}, within the application's base path).
   *
   * @param tracer the tracer to start spans with
   * @param excludePaths paths not traced
   * @param acceptTraceparent whether to continue a caller's trace from its {@code traceparent}
   *     header
   * @param traceStaticResources whether requests for static resources are traced
   */
  public BraintrustWebFilter(
      Tracer tracer,
      List<String> excludePaths,
      boolean acceptTraceparent,
      boolean traceStaticResources) {
    this.tracer = Objects.requireNonNull(tracer, "tracer");
    this.excluded =
        excludePaths.stream()
            .map(p -> PathPatternParser.defaultInstance.parse(p))
            .collect(Collectors.toUnmodifiableList());
    this.excludedPrefixes =
        excluded.stream().map(p -> literalPrefix(p.getPatternString())).toArray(String[]::new);
    this.acceptTraceparent = acceptTraceparent;
    this.traceStaticResources = traceStaticResources;
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    if (excludedPrefixes.length > 0) {
      PathContainer path = request.getPath().pathWithinApplication();
      String value = path.value();
      for (int i = 0; i < excludedPrefixes.length; i++) {
        if (value.startsWith(excludedPrefixes[i]) && excluded.get(i).matches(path)) {
          return chain.filter(exchange);
        }
      }
    }
    return SignalWatch.mono(chain.filter(exchange), ctx -> new RequestWatch(exchange, ctx))
        .contextWrite(ctx -> Tracing.withSpan(ctx, openSpan(exchange, ctx)));
  }

  /** The request's span, opened as the response is subscribed to. */
  private Span openSpan(ServerWebExchange exchange, ContextView ctx) {
    ServerHttpRequest request = exchange.getRequest();
    Span parent =
        acceptTraceparent
            ? Traceparent.parse(
                request.getHeaders().getFirst(Traceparent.HEADER), tracer.destination())
            : null;
    if (parent == null) {
      parent = Tracing.currentSpan(ctx);
    }
    return tracer.startSpan(request.getMethod().name(), SpanType.TASK, parent);
  }

  /**
   * Ends the request's span (which {@link #openSpan} put in the context it is given) as the
   * response completes, fails or is cancelled: one light operator and a {@code contextWrite}
   * instead of five operators, and no {@code tap}, which Reactor wraps in a thread-local restore on
   * every signal once context-propagation is on the class path.
   */
  private final class RequestWatch extends SignalWatch<Void> {
    private final ServerWebExchange exchange;
    private final Span span;

    RequestWatch(ServerWebExchange exchange, ContextView ctx) {
      this.exchange = exchange;
      this.span = Objects.requireNonNull(Tracing.currentSpan(ctx), "request span");
    }

    @Override
    public void onComplete() {
      finish(exchange, span, null);
    }

    @Override
    public void onError(Throwable error) {
      finish(exchange, span, error);
    }

    @Override
    public void onCancel() {
      span.metadata("cancelled", true);
      finish(exchange, span, null);
    }
  }

  /**
   * What every path {@code pattern} matches starts with: the text before its first variable or
   * wildcard, less a trailing slash ({@code /actuator/**} matches {@code /actuator} too); empty
   * when the pattern's text could be spelt differently in a raw path.
   */
  static String literalPrefix(String pattern) {
    int end = pattern.length();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '{' || c == '*' || c == '?') {
        end = i;
        break;
      }
    }
    String prefix = pattern.substring(0, end);
    // A request's raw path is percent-encoded where the pattern is not: only a prefix the two
    // spell alike can rule a path out.
    if (!prefix
        .chars()
        .allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "/-._~".indexOf(c) >= 0))) {
      return "";
    }
    return end < pattern.length() && prefix.endsWith("/")
        ? prefix.substring(0, prefix.length() - 1)
        : prefix;
  }

  private void finish(ServerWebExchange exchange, Span span, @Nullable Throwable error) {
    int status = status(exchange, error);
    Object handler = exchange.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);
    boolean staticResource = handler instanceof ResourceWebHandler;
    if (staticResource && !traceStaticResources && status < 400) {
      // Never ended, so never sent: a static file is not worth a row.
      return;
    }
    String method = exchange.getRequest().getMethod().name();
    PathPattern route = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    // Everything in one log at the end: one merge into the span instead of several.
    Log.Builder log =
        Log.builder()
            .metadata("http.request.method", method)
            .metadata("url.path", exchange.getRequest().getPath().value())
            .metadata("http.response.status_code", status);
    // The resource handler's catch-all pattern says nothing about a missing file.
    if (route != null && !staticResource) {
      span.updateName(method + " " + route.getPatternString());
      log.metadata("http.route", route.getPatternString());
    }
    if (error != null) {
      log.metadata("error.type", error.getClass().getName());
      if (status >= 500) {
        log.error(error);
      }
    } else if (status >= 500) {
      log.error("HTTP " + status);
    }
    span.log(log.build());
    span.end();
  }

  /**
   * The status sent, or for an error not handled inside the chain, the one WebFlux's exception
   * handlers (which run outside filters) will send: the error's own, else 500.
   */
  private static int status(ServerWebExchange exchange, @Nullable Throwable error) {
    if (error instanceof ErrorResponse) {
      return ((ErrorResponse) error).getStatusCode().value();
    }
    if (error != null) {
      return 500;
    }
    HttpStatusCode code = exchange.getResponse().getStatusCode();
    return code == null ? 200 : code.value();
  }
}

package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.Tracing;
import dev.braintrust.reactive.spring.internal.Traceparent;
import java.net.URI;
import java.util.Objects;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Makes each {@link WebClient} call made inside a traced operation a child span, and sends a W3C
 * {@code traceparent} naming it (unless the request already carries one, set by another tracer).
 * The span is named {@code METHOD uri-template} when the call was made with a URI template, else
 * {@code METHOD /path}; it records {@code http.request.method}, {@code url.full} (without user
 * info, query values replaced by {@code REDACTED}) and {@code http.response.status_code}, and ends
 * when the response headers arrive. Calls made outside any span are left alone.
 *
 * <pre>{@code
 * WebClient client = WebClient.builder().filter(new BraintrustExchangeFilter(tracer)).build();
 * }</pre>
 *
 * <p>With the starter, every {@code WebClient.Builder} Spring Boot hands out has it already.
 */
public final class BraintrustExchangeFilter implements ExchangeFilterFunction {
  // Set by DefaultWebClient when a call is made with uri(template, vars).
  private static final String URI_TEMPLATE = WebClient.class.getName() + ".uriTemplate";

  private final Tracer tracer;

  /**
   * A filter starting spans with {@code tracer}.
   *
   * @param tracer the tracer to start spans with
   */
  public BraintrustExchangeFilter(Tracer tracer) {
    this.tracer = Objects.requireNonNull(tracer, "tracer");
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    return Mono.deferContextual(
        ctx -> {
          Span parent = Tracing.currentSpan(ctx);
          if (parent == null) {
            return next.exchange(request);
          }
          String method = request.method().name();
          Span span = tracer.startSpan(method + " " + target(request), SpanType.TASK, parent);
          span.log(
              Log.builder()
                  .metadata("http.request.method", method)
                  .metadata("url.full", redacted(request.url()))
                  .build());
          ClientRequest sent = request;
          String header = Traceparent.format(span);
          // getFirst, not containsKey: Spring Framework 7 (Boot 4) HttpHeaders is no longer a Map,
          // and this class, compiled against Framework 6, runs on both.
          if (header != null && request.headers().getFirst(Traceparent.HEADER) == null) {
            sent = ClientRequest.from(request).header(Traceparent.HEADER, header).build();
          }
          return next.exchange(sent)
              .doOnNext(
                  response -> {
                    int status = response.statusCode().value();
                    span.metadata("http.response.status_code", status);
                    if (status >= 500) {
                      span.log(Log.builder().error("HTTP " + status).build());
                    }
                  })
              .doOnError(span::error)
              .doOnCancel(() -> span.metadata("cancelled", true))
              .doFinally(s -> span.end())
              .contextWrite(c -> Tracing.withSpan(c, span));
        });
  }

  private static String target(ClientRequest request) {
    Object template = request.attribute(URI_TEMPLATE).orElse(null);
    String t = template instanceof String ? (String) template : request.url().getRawPath();
    if (t == null) {
      return "/";
    }
    // A template may be a whole URL; its path (with the {variables}) is what names the call.
    int scheme = t.indexOf("://");
    if (scheme >= 0) {
      int slash = t.indexOf('/', scheme + 3);
      t = slash < 0 ? "/" : t.substring(slash);
    }
    int q = t.indexOf('?');
    if (q >= 0) {
      t = t.substring(0, q);
    }
    return t.isEmpty() ? "/" : t;
  }

  /** The URL without user info, with every query value replaced, so no secret reaches a span. */
  static String redacted(URI url) {
    StringBuilder s = new StringBuilder();
    if (url.getScheme() != null) {
      s.append(url.getScheme()).append("://");
    }
    if (url.getHost() != null) {
      s.append(url.getHost());
    }
    if (url.getPort() >= 0) {
      s.append(':').append(url.getPort());
    }
    s.append(url.getRawPath() == null ? "" : url.getRawPath());
    String query = url.getRawQuery();
    if (query != null && !query.isEmpty()) {
      s.append('?');
      String[] pairs = query.split("&");
      for (int i = 0; i < pairs.length; i++) {
        int eq = pairs[i].indexOf('=');
        s.append(i == 0 ? "" : "&")
            .append(eq < 0 ? pairs[i] : pairs[i].substring(0, eq))
            .append(eq < 0 ? "" : "=REDACTED");
      }
    }
    return s.toString();
  }
}

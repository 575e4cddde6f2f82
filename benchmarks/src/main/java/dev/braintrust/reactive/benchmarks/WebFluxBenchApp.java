package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Traced;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Objects;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

/**
 * The application the WebFlux benchmark loads: one route calling one service method. Untraced,
 * traced by the starter (its request filter and {@code @Traced}), or traced through the
 * OpenTelemetry SDK by the equivalent {@link OtelRequestFilter} and {@link OtelWorkService}: two
 * spans per request either way, with the same fields.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(WebFluxBenchApp.Work.class)
class WebFluxBenchApp {

  @RestController
  static class Work {
    private final WorkService service;

    Work(WorkService service) {
      this.service = service;
    }

    @GetMapping("/work/{id}")
    Mono<String> work(@PathVariable String id) {
      return service.work(id);
    }
  }

  /** The service; the starter traces it through {@code @Traced} (inert when the starter is off). */
  public static class WorkService {
    @Traced
    public Mono<String> work(String id) {
      return Mono.fromCallable(() -> "done-" + id);
    }
  }

  /** The Reactor context key of the OpenTelemetry context, as an instrumentation would keep it. */
  static final Object OTEL_CONTEXT = Context.class;

  /**
   * The OpenTelemetry equivalent of {@code @Traced}: a child span with the input and the output.
   */
  static final class OtelWorkService extends WorkService {
    private final Tracer tracer;

    OtelWorkService(Tracer tracer) {
      this.tracer = tracer;
    }

    @Override
    public Mono<String> work(String id) {
      return Mono.deferContextual(
          ctx -> {
            Context parent = ctx.getOrDefault(OTEL_CONTEXT, Context.root());
            Span span =
                tracer
                    .spanBuilder("WorkService.work")
                    .setParent(Objects.requireNonNull(parent))
                    .setAttribute("input.id", id)
                    .startSpan();
            return super.work(id)
                .doOnNext(v -> span.setAttribute("output", v))
                .doOnError(span::recordException)
                .doFinally(s -> span.end());
          });
    }
  }

  /** The OpenTelemetry equivalent of the starter's request filter. */
  static final class OtelRequestFilter implements WebFilter {
    private final Tracer tracer;

    OtelRequestFilter(Tracer tracer) {
      this.tracer = tracer;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
      String method = exchange.getRequest().getMethod().name();
      Span span =
          tracer
              .spanBuilder(method)
              .setSpanKind(io.opentelemetry.api.trace.SpanKind.SERVER)
              .setAttribute("http.request.method", method)
              .setAttribute("url.path", exchange.getRequest().getPath().value())
              .startSpan();
      return chain
          .filter(exchange)
          .doFinally(
              s -> {
                PathPattern route =
                    exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
                if (route != null) {
                  span.updateName(method + " " + route.getPatternString());
                  span.setAttribute("http.route", route.getPatternString());
                }
                HttpStatusCode status = exchange.getResponse().getStatusCode();
                span.setAttribute(
                    "http.response.status_code", status == null ? 200 : status.value());
                span.end();
              })
          .contextWrite(c -> c.put(OTEL_CONTEXT, Context.root().with(span)));
    }
  }
}

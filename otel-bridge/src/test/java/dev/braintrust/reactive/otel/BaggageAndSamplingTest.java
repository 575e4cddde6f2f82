package dev.braintrust.reactive.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BraintrustTestServerExtension.class)
class BaggageAndSamplingTest {
  static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  final List<SdkTracerProvider> providers = new ArrayList<>();

  @AfterEach
  void shutdown() {
    providers.forEach(p -> p.shutdown().join(10, TimeUnit.SECONDS));
  }

  /** One "service": its own SDK, processor and buffer, all sending to the same testkit. */
  final class Service {
    final SdkTracerProvider provider;
    final BraintrustSpanProcessor processor;
    final Tracer tracer;
    final TextMapPropagator propagator;

    Service(BraintrustTestServer server, String project, double ratio) {
      this(server, project, ratio, true);
    }

    Service(BraintrustTestServer server, String project, double ratio, boolean parentFromBaggage) {
      BraintrustExporter exporter =
          BraintrustExporter.builder(
                  BraintrustClient.builder()
                      .apiKey(server.apiKey())
                      .baseUrl(server.baseUrl())
                      .build())
              .build();
      processor =
          BraintrustSpanProcessor.builder(exporter)
              .destination(Destination.projectLogsByName(project))
              .sampleRatio(ratio)
              .parentFromBaggage(parentFromBaggage)
              .linkTracingCore(false)
              .build();
      provider = SdkTracerProvider.builder().addSpanProcessor(processor).build();
      providers.add(provider);
      tracer = provider.get("test");
      propagator =
          TextMapPropagator.composite(
              W3CTraceContextPropagator.getInstance(),
              BraintrustBaggage.propagator(W3CBaggagePropagator.getInstance(), processor));
    }

    void flush() {
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
  }

  static Set<String> names(BraintrustTestServer server, String project) {
    String id = server.projectId(project);
    return id == null
        ? Set.of()
        : server.projectLogs(id).stream()
            .map(r -> r.get("span_attributes").get("name").asText())
            .collect(Collectors.toSet());
  }

  @Test
  void aTraceCrossingServicesLandsInTheCallersProject(BraintrustTestServer server) {
    Service front = new Service(server, "front", 1.0);
    Service back = new Service(server, "back", 1.0);

    Map<String, String> headers = new HashMap<>();
    Span request = front.tracer.spanBuilder("front request").startSpan();
    try (Scope s = request.makeCurrent()) {
      Span call = front.tracer.spanBuilder("call back").startSpan();
      try (Scope c = call.makeCurrent()) {
        front.propagator.inject(Context.current(), headers, Map::put);
      }
      call.end();
    }
    request.end();
    assertThat(headers.get("baggage")).isEqualTo("braintrust.parent=project_name:front");

    Context remote = back.propagator.extract(Context.root(), headers, GETTER);
    Span handled = back.tracer.spanBuilder("back handler").setParent(remote).startSpan();
    try (Scope s = handled.makeCurrent()) {
      back.tracer.spanBuilder("back step").startSpan().end();
    }
    handled.end();
    back.tracer.spanBuilder("back alone").startSpan().end();
    front.flush();
    back.flush();

    assertThat(names(server, "front"))
        .containsExactlyInAnyOrder("front request", "call back", "back handler", "back step");
    assertThat(names(server, "back")).containsExactly("back alone");
    ObjectNode step =
        server.projectLogs(server.projectId("front")).stream()
            .filter(r -> r.get("span_attributes").get("name").asText().equals("back handler"))
            .findFirst()
            .orElseThrow();
    assertThat(step.get("root_span_id").asText()).isEqualTo(request.getSpanContext().getTraceId());
  }

  @Test
  void baggageSetByTheApplicationChoosesTheDestinationAndAnOwnAttributeStillWins(
      BraintrustTestServer server) {
    Service svc = new Service(server, "default", 1.0);
    try (Scope s =
        BraintrustBaggage.withParent(Context.current(), "project_name:chosen").makeCurrent()) {
      Span root = svc.tracer.spanBuilder("chosen root").startSpan();
      try (Scope r = root.makeCurrent()) {
        svc.tracer.spanBuilder("chosen child").startSpan().end();
      }
      root.end();
      svc.tracer
          .spanBuilder("own parent")
          .setAttribute("braintrust.parent", "project_name:own")
          .startSpan()
          .end();

      // Baggage the application already set is propagated untouched.
      Map<String, String> headers = new HashMap<>();
      Span call = svc.tracer.spanBuilder("call").startSpan();
      try (Scope c = call.makeCurrent()) {
        svc.propagator.inject(Context.current(), headers, Map::put);
      }
      call.end();
      assertThat(
              Baggage.fromContext(svc.propagator.extract(Context.root(), headers, GETTER))
                  .getEntryValue(BraintrustBaggage.PARENT))
          .isEqualTo("project_name:chosen");
    }
    svc.flush();

    assertThat(names(server, "chosen"))
        .containsExactlyInAnyOrder("chosen root", "chosen child", "call");
    assertThat(names(server, "own")).containsExactly("own parent");
    assertThat(names(server, "default")).isEmpty();
    assertThatThrownBy(() -> BraintrustBaggage.withParent(Context.root(), "somewhere"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("somewhere");
  }

  @Test
  void anEdgeThatDistrustsCallersIgnoresTheirBaggage(BraintrustTestServer server) {
    Service edge = new Service(server, "edge", 1.0, false);
    Map<String, String> headers = Map.of("baggage", "braintrust.parent=project_name:injected");
    Context remote = edge.propagator.extract(Context.root(), headers, GETTER);
    edge.tracer.spanBuilder("public request").setParent(remote).startSpan().end();
    edge.flush();

    assertThat(names(server, "edge")).containsExactly("public request");
    assertThat(server.projectId("injected")).isNull();
  }

  @Test
  void sampleRatioKeepsWholeTracesChosenByTraceIdAsTheSdkSamplerDoes(BraintrustTestServer server) {
    Service svc = new Service(server, "sampled", 0.25);
    Sampler reference = Sampler.traceIdRatioBased(0.25);
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Span root = svc.tracer.spanBuilder("root").startSpan();
      try (Scope s = root.makeCurrent()) {
        svc.tracer.spanBuilder("child").startSpan().end();
      }
      root.end();
      String trace = root.getSpanContext().getTraceId();
      if (reference
              .shouldSample(
                  Context.root(),
                  trace,
                  "x",
                  io.opentelemetry.api.trace.SpanKind.INTERNAL,
                  io.opentelemetry.api.common.Attributes.empty(),
                  List.of())
              .getDecision()
          == SamplingDecision.RECORD_AND_SAMPLE) {
        expected.add(trace);
      }
    }
    svc.flush();

    List<ObjectNode> rows = server.projectLogs(server.projectId("sampled"));
    Map<String, Long> spansPerTrace =
        rows.stream()
            .collect(
                Collectors.groupingBy(r -> r.get("root_span_id").asText(), Collectors.counting()));
    assertThat(spansPerTrace.keySet()).isEqualTo(expected);
    assertThat(spansPerTrace.values()).allMatch(n -> n == 2);
    assertThat(expected.size()).isBetween(20, 80);
  }

  @Test
  void sampleRatioOutsideZeroToOneIsRejected(BraintrustTestServer server) {
    BraintrustExporter exporter =
        BraintrustExporter.builder(
                BraintrustClient.builder()
                    .apiKey(server.apiKey())
                    .baseUrl(server.baseUrl())
                    .build())
            .build();
    try {
      for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
        assertThatThrownBy(() -> BraintrustSpanProcessor.builder(exporter).sampleRatio(bad))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("sampleRatio");
        assertThatThrownBy(() -> BraintrustSpanExporter.builder(exporter).sampleRatio(bad))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("sampleRatio");
      }
    } finally {
      exporter.shutdown(Duration.ofSeconds(5)).block();
    }
  }
}

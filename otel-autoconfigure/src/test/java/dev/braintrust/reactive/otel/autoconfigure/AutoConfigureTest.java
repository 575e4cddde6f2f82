package dev.braintrust.reactive.otel.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.otel.autoconfigure.internal.Settings;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SDK configured by properties alone, as {@code OTEL_*}/{@code BRAINTRUST_*} variables would.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class AutoConfigureTest {
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

  final List<OpenTelemetrySdk> sdks = new ArrayList<>();

  @AfterEach
  void shutdown() {
    sdks.forEach(s -> s.shutdown().join(10, TimeUnit.SECONDS));
  }

  /** Properties a deployment would set; the keys are those the BRAINTRUST_* variables map to. */
  static Map<String, String> props(BraintrustTestServer server, String... more) {
    Map<String, String> p = new HashMap<>();
    p.put("otel.traces.exporter", "braintrust");
    p.put("otel.metrics.exporter", "none");
    p.put("otel.logs.exporter", "none");
    p.put("braintrust.api.key", server.apiKey());
    p.put("braintrust.api.url", server.baseUrl());
    for (int i = 0; i < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    return p;
  }

  OpenTelemetrySdk sdk(Map<String, String> props) {
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesCustomizer(c -> props)
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    sdks.add(sdk);
    return sdk;
  }

  static void flush(OpenTelemetrySdk sdk) {
    assertThat(sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
        .isTrue();
  }

  static Map<String, ObjectNode> rows(BraintrustTestServer server, String project) {
    String id = server.projectId(project);
    return id == null
        ? Map.of()
        : server.projectLogs(id).stream()
            .collect(Collectors.toMap(r -> r.get("span_attributes").get("name").asText(), r -> r));
  }

  @Test
  void requestsCarryAtMostOtelsExportBatchOfRowsUnlessConfigured(BraintrustTestServer server) {
    for (String configured : new String[] {null, "700"}) {
      String project = "batch-" + configured;
      OpenTelemetrySdk sdk =
          sdk(
              configured == null
                  ? props(server, "braintrust.project", project)
                  : props(
                      server,
                      "braintrust.project",
                      project,
                      "braintrust.max.batch.events",
                      configured));
      Tracer t = sdk.getTracer("test");
      for (int i = 0; i < 1500; i++) {
        t.spanBuilder("op " + i).startSpan().end();
      }
      flush(sdk);

      String logs = "/v1/project_logs/" + server.projectId(project) + "/insert";
      List<Integer> sizes =
          server.requests(logs).stream().map(r -> r.json().get("events").size()).toList();
      int limit = configured == null ? Settings.DEFAULT_MAX_BATCH_EVENTS : 700;
      assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1500);
      assertThat(sizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(limit));
    }
  }

  @Test
  void propertiesAloneSendSpansThroughOurProcessorWithNoSecondQueue(BraintrustTestServer server) {
    OpenTelemetrySdk sdk = sdk(props(server, "braintrust.project", "auto"));
    Tracer t = sdk.getTracer("test");
    Span root = t.spanBuilder("GET /answer").startSpan();
    try (Scope s = root.makeCurrent()) {
      t.spanBuilder("chat gpt-4o-mini")
          .setAttribute("gen_ai.request.model", "gpt-4o-mini")
          .setAttribute("gen_ai.usage.input_tokens", 7L)
          .setAttribute("gen_ai.usage.output_tokens", 2L)
          .startSpan()
          .end();
    }
    root.end();
    flush(sdk);

    Map<String, ObjectNode> rows = rows(server, "auto");
    assertThat(rows).containsOnlyKeys("GET /answer", "chat gpt-4o-mini");
    ObjectNode llm = rows.get("chat gpt-4o-mini");
    assertThat(llm.get("span_parents").get(0).asText())
        .isEqualTo(root.getSpanContext().getSpanId());
    assertThat(llm.get("span_attributes").get("type").asText()).isEqualTo("llm");
    assertThat(llm.get("metrics").get("tokens").asInt()).isEqualTo(9);
    String pipeline = sdk.getSdkTracerProvider().toString();
    assertThat(pipeline).contains("BraintrustSpanProcessor").doesNotContain("BatchSpanProcessor");
  }

  @Test
  void otelExporterPropertiesWinAndFilterAndOptionsApply(BraintrustTestServer server) {
    OpenTelemetrySdk sdk =
        sdk(
            props(
                server,
                "braintrust.project",
                "ignored",
                "otel.exporter.braintrust.parent",
                "project_name:chosen",
                "otel.exporter.braintrust.filter",
                "ai",
                "braintrust.flush.interval",
                "50ms",
                "braintrust.overflow.policy",
                "drop_oldest",
                "braintrust.capacity",
                "500"));
    Tracer t = sdk.getTracer("test");
    Span root = t.spanBuilder("request").startSpan();
    try (Scope s = root.makeCurrent()) {
      Span db = t.spanBuilder("db").startSpan();
      try (Scope d = db.makeCurrent()) {
        t.spanBuilder("chat").setAttribute("gen_ai.system", "openai").startSpan().end();
      }
      db.end();
    }
    root.end();
    flush(sdk);

    Map<String, ObjectNode> rows = rows(server, "chosen");
    assertThat(rows).containsOnlyKeys("request", "chat");
    // Re-parented across the filtered-out span, so the tree stays whole.
    assertThat(rows.get("chat").get("span_parents").get(0).asText())
        .isEqualTo(root.getSpanContext().getSpanId());
    assertThat(server.projectId("ignored")).isNull();
  }

  @Test
  void filterAiSpansKeepsSpansWithEveryListedPrefixAndDropsSystemOnlyOnes(
      BraintrustTestServer server) {
    // BRAINTRUST_FILTER_AI_SPANS=true reaches the SDK's config as braintrust.filter.ai.spans.
    OpenTelemetrySdk sdk =
        sdk(props(server, "braintrust.project", "ai-only", "braintrust.filter.ai.spans", "true"));
    Tracer t = sdk.getTracer("test");
    Span root = t.spanBuilder("request").startSpan();
    try (Scope s = root.makeCurrent()) {
      t.spanBuilder("db").setAttribute("db.system", "postgresql").startSpan().end();
      t.spanBuilder("routing").setAttribute("braintrust.org", "acme").startSpan().end();
      t.spanBuilder("vercel").setAttribute("ai.model.id", "gpt-4o").startSpan().end();
      t.spanBuilder("openllmetry").setAttribute("traceloop.entity.name", "x").startSpan().end();
      t.spanBuilder("genai").setAttribute("gen_ai.system", "openai").startSpan().end();
    }
    root.end();
    flush(sdk);

    assertThat(rows(server, "ai-only"))
        .containsOnlyKeys("request", "vercel", "openllmetry", "genai");
  }

  /** Both senders: Reactor Netty (the default here) and the JDK HttpClient (the agent's). */
  @ParameterizedTest
  @ValueSource(strings = {"reactor-netty", "jdk"})
  void clientAndBufferOptionsReachTheRequestsAndTheSpool(
      String transport, BraintrustTestServer server, @TempDir Path spool) throws Exception {
    OpenTelemetrySdk sdk =
        sdk(
            props(
                server,
                "braintrust.transport",
                transport,
                "braintrust.project",
                "options",
                "braintrust.org.name",
                server.orgName(),
                "otel.exporter.braintrust.headers",
                "X-Team=ml-platform,X-Route=eu-1",
                "braintrust.gzip.level",
                "6",
                "braintrust.capacity.bytes",
                "8000000",
                "braintrust.spool.directory",
                spool.toString()));
    sdk.getTracer("test").spanBuilder("with options").startSpan().end();
    flush(sdk);

    assertThat(rows(server, "options")).containsOnlyKeys("with options");
    assertThat(server.requests().stream().filter(r -> r.path().endsWith("/insert")))
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.header("x-bt-org-name")).isEqualTo(server.orgName());
              assertThat(r.header("X-Team")).isEqualTo("ml-platform");
              assertThat(r.header("X-Route")).isEqualTo("eu-1");
              assertThat(r.header("user-agent"))
                  .as("the sender named in the user agent")
                  .matches(transport.equals("jdk") ? ".*\\(jdk-http\\)$" : "^(?!.*jdk-http).*");
            });
    try (Stream<Path> files = Files.list(spool)) {
      assertThat(files).as("the spool's files").isNotEmpty();
    }
  }

  @Test
  void sampleRatioZeroSendsNothingButTheOtherExporterStillGetsEverySpan(
      BraintrustTestServer server) {
    OpenTelemetrySdk sdk =
        sdk(
            props(
                server,
                "otel.traces.exporter",
                "braintrust,memory",
                "braintrust.project",
                "none-sampled",
                "braintrust.sample.ratio",
                "0"));
    sdk.getTracer("test").spanBuilder("dropped for braintrust").startSpan().end();
    flush(sdk);

    assertThat(MemoryExporterProvider.LAST.get("memory").spans)
        .extracting(s -> s.getName())
        .containsExactly("dropped for braintrust");
    assertThat(rows(server, "none-sampled")).isEmpty();
  }

  @Test
  void aTraceCrossingTwoAutoconfiguredServicesLandsInTheCallersProject(
      BraintrustTestServer server) {
    OpenTelemetrySdk front = sdk(props(server, "braintrust.project", "front"));
    OpenTelemetrySdk back = sdk(props(server, "braintrust.project", "back"));
    TextMapPropagator frontOut = front.getPropagators().getTextMapPropagator();
    TextMapPropagator backIn = back.getPropagators().getTextMapPropagator();

    Map<String, String> headers = new HashMap<>();
    Span call = front.getTracer("front").spanBuilder("front call").startSpan();
    try (Scope s = call.makeCurrent()) {
      frontOut.inject(Context.current(), headers, Map::put);
    }
    call.end();
    assertThat(headers).containsKeys("traceparent", "baggage");
    assertThat(headers.get("baggage")).contains("braintrust.parent=project_name:front");

    Span handled =
        back.getTracer("back")
            .spanBuilder("back handler")
            .setParent(backIn.extract(Context.root(), headers, GETTER))
            .startSpan();
    handled.end();
    back.getTracer("back").spanBuilder("back own").startSpan().end();
    flush(front);
    flush(back);

    assertThat(rows(server, "front")).containsOnlyKeys("front call", "back handler");
    assertThat(rows(server, "front").get("back handler").get("span_parents").get(0).asText())
        .isEqualTo(call.getSpanContext().getSpanId());
    assertThat(rows(server, "back")).containsOnlyKeys("back own");
  }

  @Test
  void withoutTheBaggagePropagatorNothingIsAddedToOutgoingCalls(BraintrustTestServer server) {
    OpenTelemetrySdk sdk =
        sdk(props(server, "braintrust.project", "p", "otel.propagators", "tracecontext"));
    Map<String, String> headers = new HashMap<>();
    Span call = sdk.getTracer("t").spanBuilder("call").startSpan();
    try (Scope s = call.makeCurrent()) {
      sdk.getPropagators().getTextMapPropagator().inject(Context.current(), headers, Map::put);
    }
    call.end();
    assertThat(headers).containsOnlyKeys("traceparent");
  }

  @Test
  void eachBaggageDirectionCanBeTurnedOff(BraintrustTestServer server) {
    OpenTelemetrySdk quiet =
        sdk(props(server, "braintrust.project", "quiet", "braintrust.propagate.parent", "false"));
    OpenTelemetrySdk edge =
        sdk(props(server, "braintrust.project", "edge", "braintrust.parent.from.baggage", "false"));

    Map<String, String> headers = new HashMap<>();
    Span call = quiet.getTracer("t").spanBuilder("quiet call").startSpan();
    try (Scope s = call.makeCurrent()) {
      quiet.getPropagators().getTextMapPropagator().inject(Context.current(), headers, Map::put);
    }
    call.end();
    assertThat(headers).containsOnlyKeys("traceparent");

    headers.put("baggage", "braintrust.parent=project_name:injected");
    edge.getTracer("t")
        .spanBuilder("edge request")
        .setParent(
            edge.getPropagators().getTextMapPropagator().extract(Context.root(), headers, GETTER))
        .startSpan()
        .end();
    flush(quiet);
    flush(edge);

    assertThat(rows(server, "edge")).containsOnlyKeys("edge request");
    assertThat(server.projectId("injected")).isNull();
  }

  @Test
  void badOrMissingValuesFailConfigurationNamingTheProperty(BraintrustTestServer server) {
    Map<String, String> noKey = props(server);
    noKey.put("braintrust.api.key", "");
    assertThatThrownBy(() -> sdk(noKey))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("BRAINTRUST_API_KEY");
    assertFails(
        props(server, "braintrust.filter", "llm-only"),
        "braintrust.filter (BRAINTRUST_FILTER)",
        "all or ai");
    assertFails(
        props(server, "otel.exporter.braintrust.capacity", "0"),
        "otel.exporter.braintrust.capacity",
        "capacity");
    assertFails(props(server, "braintrust.capacity", "lots"), "braintrust.capacity", "lots");
    assertFails(
        props(server, "braintrust.sample.ratio", "1.5"), "braintrust.sample.ratio", "0 to 1");
    assertFails(
        props(server, "braintrust.parent", "team:x"),
        "braintrust.parent (BRAINTRUST_PARENT)",
        "project_name");
    assertFails(
        props(server, "braintrust.overflow.policy", "spill"),
        "braintrust.overflow.policy",
        "drop_newest");
    assertFails(
        props(server, "braintrust.transport", "carrier-pigeon"),
        "braintrust.transport (BRAINTRUST_TRANSPORT)",
        "auto, jdk or reactor-netty");
    assertFails(
        props(server, "braintrust.transport", "jdk", "braintrust.gzip.level", "10"),
        "braintrust.gzip.level",
        "between 0 and 9");
    assertFails(
        props(server, "braintrust.flush.interval", "0s"),
        "braintrust.flush.interval",
        "flushInterval");
  }

  void assertFails(Map<String, String> props, String property, String why) {
    assertThatThrownBy(() -> sdk(props))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(property)
        .hasMessageContaining(why);
  }

  @Test
  void aProjectIdWinsOverAProjectNameAsTheOfficialVariablesSay(BraintrustTestServer server) {
    String id = server.createProject("by-id");
    OpenTelemetrySdk sdk =
        sdk(props(server, "braintrust.project.id", id, "braintrust.project", "by-name"));
    sdk.getTracer("t").spanBuilder("work").startSpan().end();
    flush(sdk);
    assertThat(rows(server, "by-id")).containsOnlyKeys("work");
    assertThat(server.projectId("by-name")).isNull();
  }

  @Test
  void unsetProjectFallsBackToTheServiceName(BraintrustTestServer server) {
    OpenTelemetrySdk sdk = sdk(props(server, "otel.service.name", "checkout"));
    sdk.getTracer("t").spanBuilder("work").startSpan().end();
    flush(sdk);
    assertThat(rows(server, "checkout")).containsOnlyKeys("work");
  }

  @Test
  void whereNoCustomizerRunsTheExporterStillDeliversBehindTheSdksQueue(
      BraintrustTestServer server) {
    SpanExporter exporter =
        new BraintrustSpanExporterProvider()
            .createExporter(
                DefaultConfigProperties.createFromMap(
                    props(server, "braintrust.project", "plain")));
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build();
    provider.get("t").spanBuilder("batched").startSpan().end();
    assertThat(provider.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    assertThat(rows(server, "plain")).containsOnlyKeys("batched");
  }
}

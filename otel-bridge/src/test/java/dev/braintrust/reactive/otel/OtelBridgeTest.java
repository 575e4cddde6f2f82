package dev.braintrust.reactive.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Traced;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BraintrustTestServerExtension.class)
class OtelBridgeTest {
  SdkTracerProvider provider;
  BraintrustExporter exporter;

  @AfterEach
  void shutdown() {
    if (provider != null) {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  io.opentelemetry.api.trace.Tracer otel(BraintrustTestServer server, SpanFilter filter) {
    exporter =
        BraintrustExporter.builder(
                BraintrustClient.builder()
                    .apiKey(server.apiKey())
                    .baseUrl(server.baseUrl())
                    .build())
            .build();
    provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(
                BraintrustSpanProcessor.builder(exporter)
                    .destination(Destination.projectLogsByName("otel"))
                    .filter(filter)
                    .build())
            .build();
    return provider.get("test");
  }

  void flush() {
    CompletableResultCode r = provider.forceFlush().join(10, TimeUnit.SECONDS);
    assertThat(r.isSuccess()).isTrue();
  }

  static Map<String, ObjectNode> byName(List<ObjectNode> rows) {
    return rows.stream()
        .collect(
            Collectors.toMap(
                r -> r.get("span_attributes").get("name").asText(), Function.identity()));
  }

  List<ObjectNode> rows(BraintrustTestServer server, String project) {
    return server.projectLogs(server.projectId(project));
  }

  @Test
  void nestedSpansKeepTheirIdsParentsAndTimes(BraintrustTestServer server) {
    io.opentelemetry.api.trace.Tracer t = otel(server, SpanFilter.all());
    Span root = t.spanBuilder("request").startSpan();
    Span child;
    try (io.opentelemetry.context.Scope s = root.makeCurrent()) {
      child = t.spanBuilder("db").setAttribute("db.system", "postgres").startSpan();
      child.addEvent("rows", Attributes.of(AttributeKey.longKey("count"), 3L));
      child.end();
    }
    root.end();
    flush();

    Map<String, ObjectNode> rows = byName(rows(server, "otel"));
    ObjectNode r = rows.get("request");
    ObjectNode c = rows.get("db");
    assertThat(r.get("span_id").asText()).isEqualTo(root.getSpanContext().getSpanId());
    assertThat(r.get("id").asText()).isEqualTo(root.getSpanContext().getSpanId());
    assertThat(r.get("root_span_id").asText()).isEqualTo(root.getSpanContext().getTraceId());
    assertThat(r.has("span_parents")).isFalse();
    assertThat(c.get("span_parents").get(0).asText()).isEqualTo(root.getSpanContext().getSpanId());
    assertThat(c.get("root_span_id").asText()).isEqualTo(root.getSpanContext().getTraceId());
    assertThat(c.get("span_attributes").get("type").asText()).isEqualTo("task");
    assertThat(c.get("metadata").get("db.system").asText()).isEqualTo("postgres");
    assertThat(c.get("metadata").get("events").get(0).get("name").asText()).isEqualTo("rows");
    assertThat(c.get("metrics").get("end").asDouble())
        .isGreaterThanOrEqualTo(c.get("metrics").get("start").asDouble());
  }

  @Test
  void genAiConventionsBecomeInputOutputModelAndTokenMetrics(BraintrustTestServer server) {
    io.opentelemetry.api.trace.Tracer t = otel(server, SpanFilter.all());
    t.spanBuilder("chat gpt-4o")
        .setAttribute("gen_ai.system", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o")
        .setAttribute("gen_ai.usage.input_tokens", 10L)
        .setAttribute("gen_ai.usage.output_tokens", 5L)
        .setAttribute("gen_ai.prompt.0.role", "user")
        .setAttribute("gen_ai.prompt.0.content", "hi")
        .setAttribute("gen_ai.completion.0.role", "assistant")
        .setAttribute("gen_ai.completion.0.content", "hello")
        .startSpan()
        .end();
    flush();

    ObjectNode row = rows(server, "otel").get(0);
    assertThat(row.get("span_attributes").get("type").asText()).isEqualTo("llm");
    assertThat(row.get("input").get(0).get("content").asText()).isEqualTo("hi");
    assertThat(row.get("output").get(0).get("content").asText()).isEqualTo("hello");
    assertThat(row.get("metadata").get("model").asText()).isEqualTo("gpt-4o");
    assertThat(row.get("metadata").get("provider").asText()).isEqualTo("openai");
    assertThat(row.get("metrics").get("prompt_tokens").asInt()).isEqualTo(10);
    assertThat(row.get("metrics").get("completion_tokens").asInt()).isEqualTo(5);
    assertThat(row.get("metrics").get("tokens").asInt()).isEqualTo(15);
  }

  @Test
  void genAiMessageEventsAreUsedWhenThereAreNoContentAttributes(BraintrustTestServer server) {
    io.opentelemetry.api.trace.Tracer t = otel(server, SpanFilter.all());
    Span s = t.spanBuilder("chat").setAttribute("gen_ai.request.model", "m").startSpan();
    s.addEvent(
        "gen_ai.system.message", Attributes.of(AttributeKey.stringKey("content"), "be brief"));
    s.addEvent("gen_ai.user.message", Attributes.of(AttributeKey.stringKey("content"), "hi"));
    s.addEvent("gen_ai.choice", Attributes.of(AttributeKey.stringKey("finish_reason"), "stop"));
    s.end();
    flush();

    ObjectNode row = rows(server, "otel").get(0);
    assertThat(row.get("input").get(0).get("role").asText()).isEqualTo("system");
    assertThat(row.get("input").get(1).get("content").asText()).isEqualTo("hi");
    assertThat(row.get("output").get(0).get("finish_reason").asText()).isEqualTo("stop");
    assertThat(row.get("output").get(0).get("message").get("role").asText()).isEqualTo("assistant");
  }

  @Test
  void explicitBraintrustAttributesWinOverInferredOnes(BraintrustTestServer server) {
    io.opentelemetry.api.trace.Tracer t = otel(server, SpanFilter.all());
    t.spanBuilder("tool-call")
        .setAttribute("gen_ai.prompt", "inferred")
        .setAttribute("braintrust.input_json", "{\"q\":\"explicit\"}")
        .setAttribute("braintrust.output_json", "[1,2]")
        .setAttribute("braintrust.metadata", "{\"team\":\"search\"}")
        .setAttribute("braintrust.scores", "{\"relevance\":0.8,\"bogus\":7}")
        .setAttribute("braintrust.span_attributes.type", "tool")
        .startSpan()
        .end();
    flush();

    ObjectNode row = rows(server, "otel").get(0);
    assertThat(row.get("input").get("q").asText()).isEqualTo("explicit");
    assertThat(row.get("output").get(1).asInt()).isEqualTo(2);
    assertThat(row.get("metadata").get("team").asText()).isEqualTo("search");
    assertThat(row.get("scores").get("relevance").asDouble()).isEqualTo(0.8);
    assertThat(row.get("scores").has("bogus")).isFalse();
    assertThat(row.get("metadata").get("invalid_score.bogus").asText())
        .isEqualTo("score 'bogus' must be between 0 and 1, got 7.0");
    assertThat(row.get("span_attributes").get("type").asText()).isEqualTo("tool");
  }

  @Test
  void errorStatusAndExceptionsBecomeTheErrorField(BraintrustTestServer server) {
    io.opentelemetry.api.trace.Tracer t = otel(server, SpanFilter.all());
    Span s = t.spanBuilder("fails").startSpan();
    s.recordException(new IllegalStateException("model timeout"));
    s.setStatus(StatusCode.ERROR, "model timeout");
    s.end();
    Span ok = t.spanBuilder("fine").startSpan();
    ok.setStatus(StatusCode.OK);
    ok.end();
    flush();

    Map<String, ObjectNode> rows = byName(rows(server, "otel"));
    assertThat(rows.get("fails").get("error").asText())
        .startsWith("java.lang.IllegalStateException: model timeout");
    assertThat(rows.get("fine").has("error")).isFalse();
  }

  @Test
  void anExceptionRecordedOnASpanNotInErrorIsKeptAmongItsEvents(BraintrustTestServer server) {
    io.opentelemetry.api.trace.Tracer t = otel(server, SpanFilter.all());
    Span s = t.spanBuilder("handled").startSpan();
    s.addEvent("retrying");
    s.recordException(new IllegalStateException("cache miss, fell back"));
    s.end();
    flush();

    ObjectNode row = byName(rows(server, "otel")).get("handled");
    // Not in error: the row has no error, but the handled exception is not lost either.
    assertThat(row.has("error")).isFalse();
    com.fasterxml.jackson.databind.JsonNode events = row.get("metadata").get("events");
    assertThat(events).hasSize(2);
    assertThat(events.get(0).get("name").asText()).isEqualTo("retrying");
    com.fasterxml.jackson.databind.JsonNode ex = events.get(1);
    assertThat(ex.get("name").asText()).isEqualTo("exception");
    assertThat(ex.get("attributes").get("exception.type").asText())
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(ex.get("attributes").get("exception.message").asText())
        .isEqualTo("cache miss, fell back");
    assertThat(ex.get("attributes").get("exception.stacktrace").asText())
        .contains("anExceptionRecordedOnASpanNotInErrorIsKeptAmongItsEvents");
  }

  @Test
  void braintrustParentOnTheRootSendsTheWholeTraceElsewhere(BraintrustTestServer server) {
    io.opentelemetry.api.trace.Tracer t = otel(server, SpanFilter.all());
    Span root =
        t.spanBuilder("eval-case")
            .setAttribute("braintrust.parent", "project_name:other")
            .startSpan();
    try (io.opentelemetry.context.Scope s = root.makeCurrent()) {
      t.spanBuilder("step").startSpan().end();
    }
    root.end();
    t.spanBuilder("unrelated").startSpan().end();
    flush();

    assertThat(byName(rows(server, "other"))).containsOnlyKeys("eval-case", "step");
    assertThat(byName(rows(server, "otel"))).containsOnlyKeys("unrelated");
  }

  @Test
  void aiFilterKeepsRootsAndAiSpansAndReparentsAcrossDroppedOnes(BraintrustTestServer server) {
    io.opentelemetry.api.trace.Tracer t =
        otel(server, SpanFilter.aiSpans().orNameMatches(n -> n.startsWith("agent")));
    Span root = t.spanBuilder("http GET /ask").startSpan();
    try (io.opentelemetry.context.Scope a = root.makeCurrent()) {
      Span db = t.spanBuilder("db query").startSpan();
      try (io.opentelemetry.context.Scope b = db.makeCurrent()) {
        Span agent = t.spanBuilder("agent plan").startSpan();
        try (io.opentelemetry.context.Scope c = agent.makeCurrent()) {
          Span cache = t.spanBuilder("cache").startSpan();
          try (io.opentelemetry.context.Scope d = cache.makeCurrent()) {
            t.spanBuilder("chat").setAttribute("gen_ai.request.model", "m").startSpan().end();
          }
          cache.end();
        }
        agent.end();
      }
      db.end();
    }
    root.end();
    flush();

    Map<String, ObjectNode> rows = byName(rows(server, "otel"));
    assertThat(rows).containsOnlyKeys("http GET /ask", "agent plan", "chat");
    assertThat(rows.get("agent plan").get("span_parents").get(0).asText())
        .isEqualTo(root.getSpanContext().getSpanId());
    assertThat(rows.get("chat").get("span_parents").get(0).asText())
        .isEqualTo(rows.get("agent plan").get("span_id").asText());
  }

  interface Retriever {
    @Traced(type = SpanType.TOOL)
    String retrieve(String query);
  }

  @Test
  void tracingCoreSpansAndOtelSpansInterleaveInOneTree(BraintrustTestServer server) {
    io.opentelemetry.api.trace.Tracer t = otel(server, SpanFilter.all());
    Tracer core = Tracer.create(exporter, Destination.projectLogsByName("otel"));
    Retriever retriever =
        core.instrument(
            Retriever.class,
            q -> {
              // An OTel span inside a @Traced method becomes the traced span's child.
              t.spanBuilder("vector-search").startSpan().end();
              return "doc for " + q;
            });

    Span server0 = t.spanBuilder("POST /answer").startSpan();
    try (io.opentelemetry.context.Scope s = server0.makeCurrent()) {
      retriever.retrieve("q1");
      dev.braintrust.reactive.core.Span llm = core.startSpan("generate", SpanType.LLM);
      try (Scope l = llm.makeCurrent()) {
        t.spanBuilder("http call").startSpan().end();
      }
      llm.end();
    }
    server0.end();
    flush();

    Map<String, ObjectNode> rows = byName(rows(server, "otel"));
    String trace = server0.getSpanContext().getTraceId();
    String serverId = server0.getSpanContext().getSpanId();
    assertThat(rows)
        .containsOnlyKeys(
            "POST /answer", "Retriever.retrieve", "vector-search", "generate", "http call");
    assertThat(rows.values())
        .allSatisfy(r -> assertThat(r.get("root_span_id").asText()).isEqualTo(trace));
    assertThat(rows.get("Retriever.retrieve").get("span_parents").get(0).asText())
        .isEqualTo(serverId);
    assertThat(rows.get("vector-search").get("span_parents").get(0).asText())
        .isEqualTo(rows.get("Retriever.retrieve").get("span_id").asText());
    assertThat(rows.get("generate").get("span_parents").get(0).asText()).isEqualTo(serverId);
    assertThat(rows.get("http call").get("span_parents").get(0).asText())
        .isEqualTo(rows.get("generate").get("span_id").asText());
  }

  @Test
  void forceFlushFailsWhenTheServerRejectsTheBatch(BraintrustTestServer server) {
    io.opentelemetry.api.trace.Tracer t = otel(server, SpanFilter.all());
    t.spanBuilder("warm-up").startSpan().end();
    flush();
    server.faults().enqueue(Fault.status(400).onPathContaining("/insert"));
    t.spanBuilder("rejected").startSpan().end();

    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isFalse();
  }

  @Test
  void theSpanExporterWorksUnderAnExistingSpanProcessor(BraintrustTestServer server) {
    exporter =
        BraintrustExporter.builder(
                BraintrustClient.builder()
                    .apiKey(server.apiKey())
                    .baseUrl(server.baseUrl())
                    .build())
            .build();
    provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(
                SimpleSpanProcessor.create(
                    BraintrustSpanExporter.builder(exporter)
                        .destination(Destination.projectLogsByName("exported"))
                        .build()))
            .build();
    provider
        .get("t")
        .spanBuilder("one")
        .setAttribute("gen_ai.request.model", "m")
        .startSpan()
        .end();
    // SimpleSpanProcessor.forceFlush doesn't call SpanExporter.flush, so flush the buffer directly.
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    exporter.flush().block(java.time.Duration.ofSeconds(10));

    assertThat(byName(rows(server, "exported"))).containsOnlyKeys("one");
  }
}

package dev.braintrust.reactive.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.otel.internal.Fixtures;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GenAI spans through the whole path to the testkit: a recorded span per convention, and GenAI
 * events emitted as log records inside a span, as the OpenTelemetry instrumentations emit them.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class GenAiRowsTest {
  static final String PROJECT = "genai";

  SdkTracerProvider tracing;
  SdkLoggerProvider logging;

  @AfterEach
  void shutdown() {
    if (logging != null) {
      logging.shutdown().join(10, TimeUnit.SECONDS);
    }
    if (tracing != null) {
      tracing.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  void start(BraintrustTestServer server) {
    BraintrustExporter exporter =
        BraintrustExporter.builder(
                BraintrustClient.builder()
                    .apiKey(server.apiKey())
                    .baseUrl(server.baseUrl())
                    .build())
            .build();
    BraintrustSpanProcessor spans =
        BraintrustSpanProcessor.builder(exporter)
            .destination(Destination.projectLogsByName(PROJECT))
            .build();
    tracing = SdkTracerProvider.builder().addSpanProcessor(spans).build();
    logging =
        SdkLoggerProvider.builder()
            .addLogRecordProcessor(BraintrustLogRecordProcessor.forSpans(spans))
            .build();
  }

  ObjectNode onlyRow(BraintrustTestServer server) {
    assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    List<ObjectNode> rows = server.projectLogs(server.projectId(PROJECT));
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  @Test
  void recordedSpansOfEachConventionArriveAsLlmRows(BraintrustTestServer server) {
    start(server);
    for (String fixture :
        List.of("latest-chat", "openinference-llm-synthesis", "spring-ai-chat", "legacy-events")) {
      server.reset();
      replay(fixture);
      ObjectNode row = onlyRow(server);
      assertThat(row.at("/span_attributes/type").asText()).as(fixture).isEqualTo("llm");
      assertThat(row.at("/metadata/model").asText()).as(fixture).isNotEmpty();
      assertThat(row.at("/metrics/tokens").asInt()).as(fixture).isPositive();
      if (!fixture.startsWith("spring-ai")) {
        assertThat(row.at("/input/0/role").asText()).as(fixture).isNotEmpty();
        assertThat(row.at("/output/0/message/role").asText()).as(fixture).isEqualTo("assistant");
      }
    }
  }

  @Test
  void genAiEventsLoggedInsideASpanBecomeItsInputAndOutput(BraintrustTestServer server) {
    start(server);
    Logger events = logging.get("io.opentelemetry.openai-java-1.1");
    Span span =
        tracing
            .get("test")
            .spanBuilder("chat gpt-4o-mini")
            .setAttribute("gen_ai.operation.name", "chat")
            .setAttribute("gen_ai.provider.name", "openai")
            .setAttribute("gen_ai.request.model", "gpt-4o-mini")
            .startSpan();
    try (Scope s = span.makeCurrent()) {
      // As the OpenAI Java instrumentation emits them: the name as event.name, content in the body.
      emit(events, "gen_ai.user.message", Value.of(Map.of("content", Value.of("Hi!"))));
      emit(
          events,
          "gen_ai.choice",
          Value.of(
              Map.of(
                  "index", Value.of(0L),
                  "finish_reason", Value.of("stop"),
                  "message", Value.of(Map.of("content", Value.of("Hello!"))))));
    }
    span.end();
    // Emitted after the span ended: there is no row left to put it on.
    try (Scope s = span.makeCurrent()) {
      emit(events, "gen_ai.user.message", Value.of(Map.of("content", Value.of("late"))));
    }

    ObjectNode row = onlyRow(server);
    assertThat(row.get("input")).hasSize(1);
    assertThat(row.at("/input/0/role").asText()).isEqualTo("user");
    assertThat(row.at("/input/0/content").asText()).isEqualTo("Hi!");
    assertThat(row.at("/output/0/message/content").asText()).isEqualTo("Hello!");
    assertThat(row.at("/output/0/finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void logRecordsOutsideAnySpanOrNotGenAiAreIgnored(BraintrustTestServer server) {
    start(server);
    Logger events = logging.get("app");
    emit(events, "gen_ai.user.message", Value.of(Map.of("content", Value.of("no span"))));
    Span span = tracing.get("test").spanBuilder("plain").startSpan();
    try (Scope s = span.makeCurrent()) {
      events.logRecordBuilder().setBody("an ordinary log line").emit();
    }
    span.end();

    ObjectNode row = onlyRow(server);
    assertThat(row.at("/span_attributes/type").asText()).isEqualTo("task");
    assertThat(row.has("input")).isFalse();
  }

  static void emit(Logger logger, String name, Value<?> body) {
    logger
        .logRecordBuilder()
        .setContext(Context.current())
        .setAttribute(AttributeKey.stringKey("event.name"), name)
        .setBody(body)
        .emit();
  }

  void replay(String fixture) {
    JsonNode f = Fixtures.read(fixture);
    Span span =
        tracing
            .get("replay")
            .spanBuilder(f.get("name").asText())
            .setAllAttributes(Fixtures.attributes(f.get("attributes")))
            .startSpan();
    for (JsonNode e : f.path("events")) {
      span.addEvent(e.get("name").asText(), Fixtures.attributes(e.path("attributes")));
    }
    span.end();
  }
}

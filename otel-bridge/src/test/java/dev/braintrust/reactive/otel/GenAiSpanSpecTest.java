package dev.braintrust.reactive.otel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.LlmSpanCase;
import dev.braintrust.reactive.testkit.SpanMatcher;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same LLM span cases and matcher as the wrappers' suites, run against rows the bridge makes
 * from spans in the current OpenTelemetry GenAI conventions ({@code gen_ai.input.messages}, {@code
 * gen_ai.output.messages}, {@code gen_ai.usage.*}, ...), for the cases those conventions can
 * express. Each span is what a GenAI instrumentation records for the case's call and canned
 * response. The expected {@code span_attributes.name} is not checked: GenAI instrumentations name
 * spans {@code "{operation} {model}"}, not after the Braintrust wrappers.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class GenAiSpanSpecTest {
  static final String SCOPE = "io.opentelemetry.openai-java-1.1";

  /** Why a case cannot be expressed in the GenAI conventions, by case. */
  static final Map<String, String> NOT_EXPRESSIBLE =
      Map.of(
          "openai/reasoning",
          "GenAI output messages carry reasoning as parts of a message, not as Responses API items",
          "anthropic/messages",
          "GenAI output messages map to OpenAI choices; the case expects Anthropic's native object",
          "anthropic/streaming",
          "GenAI output messages map to OpenAI choices; the case expects Anthropic's native object",
          "anthropic/attachments",
          "GenAI blob parts map to OpenAI content parts; the case expects Anthropic's source blocks",
          "anthropic/prompt_caching_5m",
          "the GenAI conventions carry only the aggregate cache-creation count, no 5m/1h split",
          "anthropic/prompt_caching_1h",
          "the GenAI conventions carry only the aggregate cache-creation count, no 5m/1h split");

  static Stream<LlmSpanCase> cases() {
    return Stream.concat(LlmSpanCase.all("openai").stream(), LlmSpanCase.all("anthropic").stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void bridgedGenAiRowsMatchTheSpecCase(LlmSpanCase c, BraintrustTestServer server) {
    assumeTrue(c.skipReason() == null, () -> c + " skipped: " + c.skipReason());
    assumeTrue(
        !NOT_EXPRESSIBLE.containsKey(c.toString()),
        () -> c + " skipped: " + NOT_EXPRESSIBLE.get(c.toString()));
    String project = "genai-spec-" + c.name();
    BraintrustExporter exporter =
        BraintrustExporter.builder(
                BraintrustClient.builder()
                    .apiKey(server.apiKey())
                    .baseUrl(server.baseUrl())
                    .build())
            .build();
    BraintrustSpanProcessor processor =
        BraintrustSpanProcessor.builder(exporter)
            .destination(Destination.projectLogsByName(project))
            .build();
    SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(processor).build();
    try {
      SpanBuilder b =
          tracing.get(SCOPE).spanBuilder("chat " + c.requests().get(0).path("model").asText());
      b.setSpanKind(SpanKind.CLIENT).setAttribute("gen_ai.operation.name", "chat");
      GenAiCalls.describe(c.name(), b);
      Span span = b.startSpan();
      span.end();
      tracing.forceFlush().join(30, TimeUnit.SECONDS);
      List<ObjectNode> rows = server.projectLogs(server.projectId(project));
      ObjectNode expected = (ObjectNode) c.expectedSpans().get(0);
      ((ObjectNode) expected.get("span_attributes")).remove("name");
      SpanMatcher.assertSpans("bridged " + c, rows, expected.arrayNode().add(expected));
    } finally {
      tracing.shutdown().join(30, TimeUnit.SECONDS);
    }
  }
}

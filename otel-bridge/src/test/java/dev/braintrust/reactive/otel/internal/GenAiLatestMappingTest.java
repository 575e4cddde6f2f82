package dev.braintrust.reactive.otel.internal;

import static dev.braintrust.reactive.otel.internal.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import io.opentelemetry.api.common.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The current OTel GenAI conventions, from the examples in their documentation. */
class GenAiLatestMappingTest {

  @Test
  void simpleChatBecomesMessagesChoicesModelAndTokens() {
    ObjectNode row = row("latest-chat");
    assertThat(row.get("type").asText()).isEqualTo("llm");
    assertThat(row.at("/input/0/role").asText()).isEqualTo("system");
    assertThat(row.at("/input/0/content").asText()).isEqualTo("You are a helpful bot");
    assertThat(row.at("/input/1/role").asText()).isEqualTo("user");
    assertThat(row.at("/input/1/content").asText()).isEqualTo("Tell me a joke about OpenTelemetry");
    assertThat(row.at("/output/0/index").asInt()).isZero();
    assertThat(row.at("/output/0/message/role").asText()).isEqualTo("assistant");
    assertThat(row.at("/output/0/message/content").asText()).contains("trace the fun!");
    assertThat(row.at("/output/0/finish_reason").asText()).isEqualTo("stop");

    JsonNode md = row.get("metadata");
    // The resolved model the response names wins over the requested one.
    assertThat(md.get("model").asText()).isEqualTo("gpt-4-0613");
    assertThat(md.get("provider").asText()).isEqualTo("openai");
    assertThat(md.get("max_tokens").asInt()).isEqualTo(200);
    assertThat(md.get("top_p").asDouble()).isEqualTo(1.0);
    assertThat(md.get("gen_ai.operation.name").asText()).isEqualTo("chat");
    // Only the metadata fields the guide allows: no response id, finish reasons or model copies.
    assertThat(md.fieldNames())
        .toIterable()
        .doesNotContain("response_model", "response_id", "finish_reasons")
        .noneMatch(k -> k.startsWith("gen_ai.request.") || k.startsWith("gen_ai.response."));
    // What became a field is not repeated in the metadata.
    assertThat(md.fieldNames())
        .toIterable()
        .noneMatch(k -> k.startsWith("gen_ai.input") || k.startsWith("gen_ai.usage"))
        .doesNotContain("gen_ai.request.model", "gen_ai.output.messages");

    JsonNode metrics = row.get("metrics");
    assertThat(metrics.get("prompt_tokens").asInt()).isEqualTo(52);
    assertThat(metrics.get("completion_tokens").asInt()).isEqualTo(47);
    assertThat(metrics.get("tokens").asInt()).isEqualTo(99);
  }

  @Test
  void aRequestedToolCallIsAnAssistantMessageWithToolCallsAndTheToolsAreMetadata() {
    ObjectNode row = row("latest-tool-call-request");
    JsonNode call = row.at("/output/0/message/tool_calls/0");
    assertThat(call.get("id").asText()).isEqualTo("call_VSPygqKTWdrhaFErNvMV18Yl");
    assertThat(call.get("type").asText()).isEqualTo("function");
    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
    // Arguments are a JSON string in the chat format, as OpenAI sends them.
    assertThat(call.at("/function/arguments").asText()).isEqualTo("{\"location\":\"Paris\"}");
    assertThat(row.at("/output/0/message/content").isNull()).isTrue();
    // The GenAI enum's tool_call is OpenAI's tool_calls in the chat format the choices follow.
    assertThat(row.at("/output/0/finish_reason").asText()).isEqualTo("tool_calls");
    // Tool definitions in the OpenAI shape the guide asks for in metadata.tools.
    assertThat(row.at("/metadata/tools/0/type").asText()).isEqualTo("function");
    assertThat(row.at("/metadata/tools/0/function/name").asText()).isEqualTo("get_current_weather");
    assertThat(row.at("/metadata/tools/0/function/parameters/required/1").asText())
        .isEqualTo("unit");
  }

  @Test
  void toolResultsBecomeToolMessagesLinkedToTheirCall() {
    ObjectNode row = row("latest-tool-call-response");
    JsonNode input = row.get("input");
    assertThat(input).hasSize(3);
    assertThat(input.at("/1/role").asText()).isEqualTo("assistant");
    assertThat(input.at("/1/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
    assertThat(input.at("/2/role").asText()).isEqualTo("tool");
    assertThat(input.at("/2/tool_call_id").asText()).isEqualTo("call_VSPygqKTWdrhaFErNvMV18Yl");
    assertThat(input.at("/2/content").asText()).isEqualTo("rainy, 57°F");
    // This documented span has no gen_ai.operation.name: GenAI attributes still make it an llm.
    assertThat(row.get("type").asText()).isEqualTo("llm");
    assertThat(row.at("/metrics/tokens").asInt()).isEqualTo(149);
  }

  @Test
  void systemInstructionsComeFirstAndCacheAndReasoningTokensAreMetrics() {
    ObjectNode row = row("latest-system-instructions");
    JsonNode input = row.get("input");
    assertThat(input).hasSize(3);
    assertThat(input.at("/0/role").asText()).isEqualTo("system");
    assertThat(input.at("/0/content").asText()).isEqualTo("You must never tell jokes");
    assertThat(input.at("/1/content").asText()).isEqualTo("You are a helpful bot");
    assertThat(row.at("/metrics/prompt_cached_tokens").asInt()).isEqualTo(12);
    assertThat(row.at("/metrics/completion_reasoning_tokens").asInt()).isEqualTo(4);
    assertThat(row.get("metadata").has("gen_ai.system_instructions")).isFalse();
  }

  @Test
  void contentOnTheOperationDetailsEventIsUsedWhenTheSpanHasNone() {
    ObjectNode row = row("latest-details-event");
    assertThat(row.at("/input/1/content").asText()).isEqualTo("Tell me a joke about OpenTelemetry");
    assertThat(row.at("/output/0/message/content").asText()).contains("trace the fun!");
    // A GenAI event is read, not listed among the span's other events.
    assertThat(row.get("metadata").has("events")).isFalse();
  }

  @Test
  void theOperationDetailsEventAsAStructuredLogRecordBody() {
    Value<?> parts =
        Value.of(
            Value.of(
                Map.of(
                    "role",
                    Value.of("user"),
                    "parts",
                    Value.of(
                        Value.of(
                            Map.of("type", Value.of("text"), "content", Value.of("Hi there")))))));
    Value<?> body = Value.of(Map.of(GenAiLatestMapping.INPUT, parts));
    GenAiEvent logged = new GenAiEvent(GenAiLatestMapping.DETAILS_EVENT, 1L, Map.of(), body);
    ObjectNode row =
        Fixtures.json(
            SpanMapper.toEvent(
                Fixtures.span("latest-invoke-agent"),
                List.of(logged),
                Destination.projectLogsByName("p"),
                null,
                false));
    assertThat(row.at("/input/0/role").asText()).isEqualTo("user");
    assertThat(row.at("/input/0/content").asText()).isEqualTo("Hi there");
  }

  @Test
  void executeToolSpansAreToolsWithTheirArgumentsAndResult() {
    ObjectNode row = row("latest-execute-tool");
    assertThat(row.get("type").asText()).isEqualTo("tool");
    assertThat(row.at("/input/location").asText()).isEqualTo("San Francisco?");
    assertThat(row.at("/output/temperature_range/high").asInt()).isEqualTo(75);
    assertThat(row.at("/metadata/gen_ai.tool.name").asText()).isEqualTo("get_weather");
  }

  @Test
  void agentSpansAreTasks() {
    ObjectNode row = row("latest-invoke-agent");
    assertThat(row.get("type").asText()).isEqualTo("task");
    assertThat(row.at("/metadata/gen_ai.agent.name").asText()).isEqualTo("Math Tutor");
    assertThat(row.at("/metrics/tokens").asInt()).isEqualTo(280);
  }

  @Test
  void operationNamesMapToSpanTypes() {
    assertThat(GenAiLatestMapping.typeOf("chat")).isEqualTo("llm");
    assertThat(GenAiLatestMapping.typeOf("text_completion")).isEqualTo("llm");
    assertThat(GenAiLatestMapping.typeOf("generate_content")).isEqualTo("llm");
    assertThat(GenAiLatestMapping.typeOf("embeddings")).isEqualTo("llm");
    assertThat(GenAiLatestMapping.typeOf("execute_tool")).isEqualTo("tool");
    assertThat(GenAiLatestMapping.typeOf("invoke_agent")).isEqualTo("task");
    assertThat(GenAiLatestMapping.typeOf("create_agent")).isEqualTo("task");
    assertThat(GenAiLatestMapping.typeOf("something_new")).isNull();
  }
}

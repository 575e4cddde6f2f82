package dev.braintrust.reactive.otel.internal;

import static dev.braintrust.reactive.otel.internal.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * Spring AI's key values, the older GenAI forms, and the precedence when several conventions are on
 * one span.
 */
class LegacyAndSpringAiMappingTest {

  @Test
  void springAiStringValuesBecomeNumbersJsonAndTokenMetrics() {
    ObjectNode row = row("spring-ai-chat");
    assertThat(row.get("type").asText()).isEqualTo("llm");
    JsonNode md = row.get("metadata");
    // The resolved model the response names wins over the requested one.
    assertThat(md.get("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(md.get("provider").asText()).isEqualTo("openai");
    assertThat(md.get("temperature").isNumber()).isTrue();
    assertThat(md.get("temperature").asDouble()).isEqualTo(0.7);
    assertThat(md.get("max_tokens").asInt()).isEqualTo(256);
    // The guide's name for stop sequences, and no field the guide does not list.
    assertThat(md.get("stop").get(1).asText()).isEqualTo("STOP");
    assertThat(md.fieldNames())
        .toIterable()
        .doesNotContain("stop_sequences", "response_model", "finish_reasons")
        .noneMatch(k -> k.startsWith("gen_ai.request.") || k.startsWith("gen_ai.response."));
    JsonNode metrics = row.get("metrics");
    assertThat(metrics.get("prompt_tokens").asInt()).isEqualTo(18);
    assertThat(metrics.get("completion_tokens").asInt()).isEqualTo(7);
    assertThat(metrics.get("tokens").asInt()).isEqualTo(25);
  }

  @Test
  void springAiFrameworkSpansAreTasksAndToolCallsTools() {
    ObjectNode client = row("spring-ai-chat-client");
    assertThat(client.get("type").asText()).isEqualTo("task");
    assertThat(client.at("/metadata/provider").asText()).isEqualTo("spring_ai");
    ObjectNode tool = row("spring-ai-tool-call");
    assertThat(tool.get("type").asText()).isEqualTo("tool");
    assertThat(tool.at("/input/location").asText()).isEqualTo("Paris");
    assertThat(tool.get("output").asText()).isEqualTo("\"30.0 C\"");
    assertThat(tool.at("/metadata/spring.ai.tool.definition.name").asText())
        .isEqualTo("currentWeather");
  }

  @Test
  void openLlmetryIndexedAttributesAreKeptAsTheyWere() {
    ObjectNode row = row("legacy-openllmetry");
    assertThat(row.get("type").asText()).isEqualTo("llm");
    assertThat(row.at("/input/0/role").asText()).isEqualTo("user");
    assertThat(row.at("/input/0/content").asText()).isEqualTo("Tell me a joke about opentelemetry");
    assertThat(row.at("/output/0/content").asText()).endsWith("Too many spans.");
    assertThat(row.at("/output/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(row.at("/metadata/provider").asText()).isEqualTo("OpenAI");
    assertThat(row.at("/metadata/model").asText()).isEqualTo("gpt-3.5-turbo-0125");
    assertThat(row.at("/metrics/prompt_tokens").asInt()).isEqualTo(15);
    assertThat(row.at("/metrics/completion_tokens").asInt()).isEqualTo(12);
    assertThat(row.at("/metrics/tokens").asInt()).isEqualTo(27);
  }

  @Test
  void messageAndChoiceEventsBecomeMessagesAndChoices() {
    ObjectNode row = row("legacy-events");
    assertThat(row.at("/input/0/role").asText()).isEqualTo("system");
    assertThat(row.at("/input/1/content").asText()).isEqualTo("What's the weather in Paris?");
    assertThat(row.at("/output/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(row.at("/output/0/message/role").asText()).isEqualTo("assistant");
    assertThat(row.at("/output/0/message/tool_calls/0/function/name").asText())
        .isEqualTo("get_weather");
    assertThat(row.at("/metrics/tokens").asInt()).isEqualTo(29);
  }

  @Test
  void theMostSpecificConventionWinsFieldByField() {
    ObjectNode row = row("all-conventions");
    // Current gen_ai over OpenInference over the old gen_ai form ...
    assertThat(row.at("/input/0/content").asText()).isEqualTo("from the current gen_ai form");
    assertThat(row.get("type").asText()).isEqualTo("llm");
    assertThat(row.at("/metadata/model").asText()).isEqualTo("gpt-4");
    assertThat(row.at("/metadata/provider").asText()).isEqualTo("openai");
    assertThat(row.at("/metrics/prompt_tokens").asInt()).isEqualTo(4);
    // ... each only for what it sets: OpenInference still gives the completion tokens ...
    assertThat(row.at("/metrics/completion_tokens").asInt()).isEqualTo(3);
    assertThat(row.at("/metrics/tokens").asInt()).isEqualTo(7);
    // ... and explicit braintrust.* attributes over everything.
    assertThat(row.at("/output/explicit").asBoolean()).isTrue();
  }
}

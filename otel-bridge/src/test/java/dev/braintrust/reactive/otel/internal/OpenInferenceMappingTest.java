package dev.braintrust.reactive.otel.internal;

import static dev.braintrust.reactive.otel.internal.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** OpenInference spans, from the examples in its specification. */
class OpenInferenceMappingTest {

  @Test
  void anLlmSpanWithAToolCallBecomesChatMessagesAndChoices() {
    ObjectNode row = row("openinference-llm-tool-call");
    assertThat(row.get("type").asText()).isEqualTo("llm");
    assertThat(row.at("/input/0/role").asText()).isEqualTo("system");
    assertThat(row.at("/input/1/content").asText()).isEqualTo("what is 23 times 87");
    // The output messages win over output.value: they are the structured form.
    JsonNode call = row.at("/output/0/message/tool_calls/0/function");
    assertThat(call.get("name").asText()).isEqualTo("multiply");
    assertThat(call.get("arguments").asText()).isEqualTo("{\n  \"a\": 23,\n  \"b\": 87\n}");
    JsonNode md = row.get("metadata");
    assertThat(md.get("model").asText()).isEqualTo("gpt-3.5-turbo-0613");
    assertThat(md.get("provider").asText()).isEqualTo("openai");
    assertThat(md.get("temperature").asDouble()).isEqualTo(0.1);
    assertThat(md.has("output.value")).isFalse();
    assertThat(md.has("llm.invocation_parameters")).isFalse();
    assertThat(row.at("/metrics/prompt_tokens").asInt()).isEqualTo(229);
    assertThat(row.at("/metrics/completion_tokens").asInt()).isEqualTo(21);
    assertThat(row.at("/metrics/tokens").asInt()).isEqualTo(250);
  }

  @Test
  void toolResultsNamesAndTokenDetailsAreKept() {
    ObjectNode row = row("openinference-llm-synthesis");
    JsonNode tool = row.at("/input/3");
    assertThat(tool.get("role").asText()).isEqualTo("tool");
    assertThat(tool.get("content").asText()).isEqualTo("2001");
    assertThat(tool.get("name").asText()).isEqualTo("multiply");
    assertThat(tool.get("tool_call_id").asText()).isEqualTo("call_62136355");
    assertThat(row.at("/input/2/tool_calls/0/function/name").asText()).isEqualTo("multiply");
    assertThat(row.at("/output/0/message/content").asText())
        .isEqualTo("The product of 23 times 87 is 2001.");
    assertThat(row.at("/metrics/prompt_cached_tokens").asInt()).isEqualTo(128);
    assertThat(row.at("/metrics/completion_reasoning_tokens").asInt()).isEqualTo(6);
    assertThat(row.at("/metadata/tools/0/function/name").asText()).isEqualTo("multiply");
  }

  @Test
  void chainValuesAreParsedOnlyWhenTheirMimeTypeIsJson() {
    ObjectNode row = row("openinference-chain");
    assertThat(row.get("type").asText()).isEqualTo("task");
    assertThat(row.at("/input/question").asText()).isEqualTo("What did the author do growing up?");
    assertThat(row.get("output").asText()).startsWith("The author wrote");
    // OpenInference's metadata attribute is spread into the row's metadata.
    assertThat(row.at("/metadata/team").asText()).isEqualTo("search");
    assertThat(row.at("/metadata/version").asInt()).isEqualTo(3);
    assertThat(row.at("/metadata/session.id").asText()).isEqualTo("session-42");
    assertThat(row.get("metadata").has("input.mime_type")).isFalse();
    assertThat(row.get("tags")).extracting(JsonNode::asText).containsExactly("shared", "prod");
  }

  @Test
  void retrievedDocumentsAreTheRetrieversOutput() {
    ObjectNode row = row("openinference-retriever");
    assertThat(row.get("type").asText()).isEqualTo("function");
    assertThat(row.get("input").asText()).isEqualTo("What did the author do growing up?");
    assertThat(row.at("/output/0/id").asText()).isEqualTo("doc-1");
    assertThat(row.at("/output/1/content").asText()).isEqualTo("I programmed an IBM 1401.");
    assertThat(row.at("/output/0/score").asDouble()).isEqualTo(0.92);
  }

  @Test
  void embeddingsKeepTheirTextsAndCountTheirVectors() {
    ObjectNode row = row("openinference-embedding");
    assertThat(row.get("type").asText()).isEqualTo("llm");
    assertThat(row.at("/input/0").asText()).isEqualTo("hello world");
    assertThat(row.at("/output/embeddings").asInt()).isEqualTo(1);
    assertThat(row.at("/output/dimensions").asInt()).isEqualTo(3);
    assertThat(row.at("/metadata/model").asText()).isEqualTo("text-embedding-3-small");
    assertThat(row.get("metadata").toString()).doesNotContain("0.456");
  }

  @Test
  void toolSpansAreTools() {
    ObjectNode row = row("openinference-tool");
    assertThat(row.get("type").asText()).isEqualTo("tool");
    assertThat(row.at("/input/b").asInt()).isEqualTo(87);
    assertThat(row.get("output").asText()).isEqualTo("2001");
    assertThat(row.at("/metadata/tool.name").asText()).isEqualTo("multiply");
  }

  @Test
  void spanKindsMapToSpanTypes() {
    assertThat(OpenInferenceMapping.typeOf("LLM")).isEqualTo("llm");
    assertThat(OpenInferenceMapping.typeOf("EMBEDDING")).isEqualTo("llm");
    assertThat(OpenInferenceMapping.typeOf("CHAIN")).isEqualTo("task");
    assertThat(OpenInferenceMapping.typeOf("AGENT")).isEqualTo("task");
    assertThat(OpenInferenceMapping.typeOf("TOOL")).isEqualTo("tool");
    assertThat(OpenInferenceMapping.typeOf("RETRIEVER")).isEqualTo("function");
    assertThat(OpenInferenceMapping.typeOf("RERANKER")).isEqualTo("function");
    assertThat(OpenInferenceMapping.typeOf("EVALUATOR")).isEqualTo("score");
    assertThat(OpenInferenceMapping.typeOf("UNKNOWN")).isNull();
  }
}

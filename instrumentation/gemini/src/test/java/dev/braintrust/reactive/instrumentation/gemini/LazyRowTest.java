package dev.braintrust.reactive.instrumentation.gemini;

import static dev.braintrust.reactive.instrumentation.gemini.Fixture.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.Part;
import com.google.genai.types.Schema;
import com.google.genai.types.Type;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The caller's thread reads only a request's settings and a response's counts and model, walking
 * the JSON structure; contents and candidates are kept as sent and received and written later. Text
 * that looks like those fields, inside strings, must stay content.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class LazyRowTest {
  // Quotes, unbalanced brackets, escapes and non-ASCII text, spelling the fields the scan looks
  // for: a scan that lost track of where a string ends would take them for structure.
  private static final String PROMPT =
      "say \" } ] } ] {\"generationConfig\":{\"temperature\":9}} \\\"usageMetadata\\\" é 日本 \n";
  private static final String REPLY =
      "ok \" } ] } ] \"usageMetadata\":{\"promptTokenCount\":999},\"modelVersion\":\"fake\" 日本";

  @Test
  void textShapedLikeSettingsOrCountsInsidePromptAndReplyIsRecordedAsContent(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply(REPLY);
      GenerateContentConfig config =
          GenerateContentConfig.builder()
              .temperature(0.25f)
              .maxOutputTokens(77)
              .systemInstruction(Content.fromParts(Part.fromText("{\"topP\": 1}")))
              .build();
      GenerateContentResponse reply = f.traced.models.generateContent(MODEL, PROMPT, config);
      assertThat(reply.text()).isEqualTo(REPLY);

      ObjectNode row = f.row("generate_content");
      assertThat(
              row.path("input").path("contents").get(0).path("parts").get(0).path("text").asText())
          .isEqualTo(PROMPT);
      assertThat(
              row.path("input")
                  .path("systemInstruction")
                  .path("parts")
                  .get(0)
                  .path("text")
                  .asText())
          .isEqualTo("{\"topP\": 1}");
      assertThat(
              row.path("output")
                  .path("candidates")
                  .get(0)
                  .path("content")
                  .path("parts")
                  .get(0)
                  .path("text")
                  .asText())
          .isEqualTo(REPLY);
      ObjectNode md = (ObjectNode) row.path("metadata");
      assertThat(md.path("temperature").asDouble()).isEqualTo(0.25);
      assertThat(md.path("max_tokens").asInt()).isEqualTo(77);
      assertThat(md.has("top_p")).isFalse();
      // The counts and model are the ones the SDK itself read from the response.
      GenerateContentResponseUsageMetadata usage = reply.usageMetadata().orElseThrow();
      assertThat(row.path("metrics").path("prompt_tokens").asInt())
          .isEqualTo(usage.promptTokenCount().orElseThrow());
      assertThat(row.path("metrics").path("completion_tokens").asInt())
          .isEqualTo(usage.candidatesTokenCount().orElseThrow());
      assertThat(md.path("model").asText()).isEqualTo(reply.modelVersion().orElse(MODEL));
    }
  }

  @Test
  void aJsonSchemaResponseFormatIsRecordedInTheOpenAiShape(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("{\"city\":\"Paris\"}");
      Schema schema =
          Schema.builder()
              .type(Type.Known.OBJECT)
              .properties(Map.of("city", Schema.builder().type(Type.Known.STRING).build()))
              .build();
      GenerateContentConfig config =
          GenerateContentConfig.builder()
              .responseMimeType("application/json")
              .responseSchema(schema)
              .build();
      f.traced.models.generateContent(MODEL, "capital of France as JSON", config);

      ObjectNode format =
          (ObjectNode) f.row("generate_content").path("metadata").path("response_format");
      assertThat(format.path("type").asText()).isEqualTo("json_schema");
      assertThat(format.path("json_schema").path("name").asText()).isEqualTo("response");
      assertThat(
              format
                  .path("json_schema")
                  .path("schema")
                  .path("properties")
                  .path("city")
                  .path("type")
                  .asText())
          .isEqualToIgnoringCase("string");
    }
  }
}

package dev.braintrust.reactive.instrumentation.gemini;

import static dev.braintrust.reactive.instrumentation.gemini.Fixture.MODEL;
import static dev.braintrust.reactive.instrumentation.gemini.Fixture.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.errors.ApiException;
import com.google.genai.types.Content;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.FunctionCallingConfig;
import com.google.genai.types.FunctionCallingConfigMode;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.Part;
import com.google.genai.types.Schema;
import com.google.genai.types.Tool;
import com.google.genai.types.ToolConfig;
import com.google.genai.types.Type;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Whole (non-streamed) calls, blocking and async, over a real socket to the testkit. */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes are opened only to make a span current
class BraintrustGeminiTest {

  static GenerateContentConfig config() {
    return GenerateContentConfig.builder()
        .temperature(0.5f)
        .topP(0.9f)
        .topK(40f)
        .maxOutputTokens(64)
        .stopSequences(List.of("END"))
        .systemInstruction(Content.fromParts(Part.fromText("be brief")))
        .build();
  }

  @Test
  void aBlockingCallIsAnLlmSpanUnderTheCurrentSpanWithTheSpecShape(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("Paris is the capital");
      Span root = f.tracer.startSpan("root", SpanType.TASK);
      GenerateContentResponse reply;
      try (Scope s = root.makeCurrent()) {
        reply = f.traced.models.generateContent(MODEL, "capital of France?", config());
      } finally {
        root.end();
      }
      assertThat(reply.text()).isEqualTo("Paris is the capital");

      ObjectNode row = f.row("generate_content");
      ObjectNode rootRow = f.row("root");
      assertThat(row.path("span_parents").get(0).asText())
          .isEqualTo(rootRow.path("span_id").asText());
      assertThat(row.path("span_attributes").path("type").asText()).isEqualTo("llm");
      assertThat(row.path("input"))
          .isEqualTo(
              Fixture.json(
                  "{\"model\":\"gemini-test\",\"contents\":[{\"role\":\"user\",\"parts\":"
                      + "[{\"text\":\"capital of France?\"}]}],\"systemInstruction\":"
                      + "{\"role\":\"user\",\"parts\":[{\"text\":\"be brief\"}]}}"));
      assertThat(row.path("output").path("candidates").get(0).path("content"))
          .isEqualTo(
              Fixture.json("{\"parts\":[{\"text\":\"Paris is the capital\"}],\"role\":\"model\"}"));
      ObjectNode md = (ObjectNode) row.path("metadata");
      assertThat(md.path("provider").asText()).isEqualTo("google");
      assertThat(md.path("model").asText()).isEqualTo(MODEL);
      assertThat(md.path("temperature").asDouble()).isEqualTo(0.5);
      assertThat(md.path("top_p").asDouble())
          .isEqualTo(0.9, org.assertj.core.data.Offset.offset(1e-6));
      assertThat(md.path("max_tokens").asInt()).isEqualTo(64);
      assertThat(md.path("stop")).isEqualTo(Fixture.json("[\"END\"]"));
      // topK is not on the guide's allowlist.
      assertThat(md.has("top_k") || md.has("topK")).isFalse();
      // 3 prompt words ("capital of France?") + 2 of the system instruction; 4 answer words.
      assertThat(row.path("metrics").path("prompt_tokens").asInt()).isEqualTo(5);
      assertThat(row.path("metrics").path("completion_tokens").asInt()).isEqualTo(4);
      assertThat(row.path("metrics").path("tokens").asInt()).isEqualTo(9);
      assertThat(row.path("metrics").has("time_to_first_token")).isFalse();
      assertThat(
              row.path("context").path("span_origin").path("instrumentation").path("name").asText())
          .isEqualTo("instrumentation-gemini");
    }
  }

  @Test
  void anAsyncCallIsTracedUnderTheSpanCurrentWhenItWasMade(BraintrustTestServer server)
      throws Exception {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("async answer");
      Span root = f.tracer.startSpan("root", SpanType.TASK);
      GenerateContentResponse reply;
      try (Scope s = root.makeCurrent()) {
        reply =
            f.traced
                .async
                .models
                .generateContent(MODEL, "hello", null)
                .get(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      } finally {
        root.end();
      }
      assertThat(reply.text()).isEqualTo("async answer");
      ObjectNode row = f.row("generate_content");
      assertThat(row.path("span_parents").get(0).asText())
          .isEqualTo(f.row("root").path("span_id").asText());
      assertThat(row.path("output").path("candidates").get(0).path("content").path("parts"))
          .isEqualTo(Fixture.json("[{\"text\":\"async answer\"}]"));
      assertThat(row.path("metrics").path("tokens").asInt()).isEqualTo(3);
    }
  }

  @Test
  void toolsAndToolChoiceAreRecordedInTheOpenAiShapeAndTheCallAsAFunctionCallPart(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelToolCall("get_weather", "{\"city\":\"Paris\"}");
      FunctionDeclaration weather =
          FunctionDeclaration.builder()
              .name("get_weather")
              .description("Weather in a city")
              .parameters(
                  Schema.builder()
                      .type(Type.Known.OBJECT)
                      .properties(Map.of("city", Schema.builder().type(Type.Known.STRING).build()))
                      .required(List.of("city"))
                      .build())
              .build();
      GenerateContentConfig config =
          GenerateContentConfig.builder()
              .tools(Tool.builder().functionDeclarations(weather).build())
              .toolConfig(
                  ToolConfig.builder()
                      .functionCallingConfig(
                          FunctionCallingConfig.builder()
                              .mode(FunctionCallingConfigMode.Known.ANY)
                              .allowedFunctionNames(List.of("get_weather"))
                              .build())
                      .build())
              .build();
      GenerateContentResponse reply =
          f.traced.models.generateContent(MODEL, "weather in Paris?", config);
      assertThat(reply.toJson()).contains("\"functionCall\"", "\"get_weather\"");

      ObjectNode row = f.row("generate_content");
      assertThat(row.path("metadata").path("tools"))
          .isEqualTo(
              Fixture.json(
                  "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                      + "\"description\":\"Weather in a city\",\"parameters\":{\"type\":\"OBJECT\","
                      + "\"properties\":{\"city\":{\"type\":\"STRING\"}},\"required\":[\"city\"]}}}]"));
      assertThat(row.path("metadata").path("tool_choice"))
          .isEqualTo(
              Fixture.json("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}"));
      assertThat(row.path("output").path("candidates").get(0).path("content").path("parts"))
          .isEqualTo(
              Fixture.json(
                  "[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}}}]"));
    }
  }

  @Test
  void anApiErrorIsRethrownUnchangedAndRecordedOnTheSpan(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.faults().enqueue(Fault.status(503).onPathContaining(":generateContent"));
      Throwable plainError =
          catchThrowable(() -> f.plain.models.generateContent(MODEL, "hello", null));
      server.faults().enqueue(Fault.status(503).onPathContaining(":generateContent"));
      Throwable tracedError =
          catchThrowable(() -> f.traced.models.generateContent(MODEL, "hello", null));
      assertThat(tracedError).isInstanceOf(ApiException.class);
      assertThat(tracedError.getClass()).isEqualTo(plainError.getClass());
      assertThat(tracedError.getMessage()).isEqualTo(plainError.getMessage());
      assertThat(((ApiException) tracedError).code()).isEqualTo(503);

      ObjectNode row = f.row("generate_content");
      assertThat(row.path("error").asText()).contains("503");
      assertThat(row.has("output") && !row.get("output").isNull()).isFalse();
    }
  }

  @Test
  void anAsyncErrorCompletesTheFutureWithTheSdksExceptionAndEndsTheSpan(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.faults().enqueue(Fault.status(400).onPathContaining(":generateContent"));
      Throwable error =
          catchThrowable(() -> f.traced.async.models.generateContent(MODEL, "hello", null).join());
      assertThat(error).isInstanceOf(CompletionException.class);
      assertThat(error.getCause()).isInstanceOf(ApiException.class);
      assertThat(f.row("generate_content").path("error").asText()).contains("400");
    }
  }

  @Test
  void embeddingsAreTracedWithTheirInputsAndTheCountOfVectors(BraintrustTestServer server)
      throws Exception {
    try (Fixture f = new Fixture(server)) {
      EmbedContentResponse one = f.traced.models.embedContent("embed-test", "hello world", null);
      EmbedContentResponse plainOne =
          f.plain.models.embedContent("embed-test", "hello world", null);
      assertThat(one.toJson()).isEqualTo(plainOne.toJson());
      EmbedContentResponse two =
          f.traced.async.models.embedContent("embed-test", List.of("a b", "c"), null).join();
      assertThat(two.embeddings().orElseThrow()).hasSize(2);

      List<ObjectNode> rows =
          f.rows().stream()
              .filter(r -> r.path("span_attributes").path("name").asText().equals("embed_content"))
              .toList();
      assertThat(rows).hasSize(2);
      assertThat(rows)
          .extracting(r -> r.path("output").path("count").asInt())
          .containsExactlyInAnyOrder(1, 2);
      for (ObjectNode r : rows) {
        assertThat(r.path("metadata").path("provider").asText()).isEqualTo("google");
        assertThat(r.path("metadata").path("model").asText()).isEqualTo("embed-test");
        assertThat(r.path("input").path("model").asText()).isEqualTo("embed-test");
        assertThat(
                r.path("input").path("contents").get(0).path("parts").get(0).path("text").asText())
            .isIn("hello world", "a b");
      }
    }
  }

  @Test
  void aChatsTurnsAreTracedWithTheWholeHistoryAsInput(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("first answer");
      server.scriptModelReply("second answer");
      com.google.genai.Chat chat = f.traced.chats.create(MODEL);
      chat.sendMessage("first question");
      chat.sendMessage("second question");
      List<ObjectNode> rows = f.rows();
      assertThat(rows).hasSize(2);
      ObjectNode second =
          rows.stream()
              .filter(r -> r.path("input").path("contents").size() == 3)
              .findFirst()
              .orElseThrow();
      assertThat(
              second
                  .path("input")
                  .path("contents")
                  .get(1)
                  .path("parts")
                  .get(0)
                  .path("text")
                  .asText())
          .isEqualTo("first answer");
      assertThat(
              second
                  .path("output")
                  .path("candidates")
                  .get(0)
                  .path("content")
                  .path("parts")
                  .get(0)
                  .path("text")
                  .asText())
          .isEqualTo("second answer");
    }
  }

  @Test
  void wrappingTwiceTracesOnceWithTheNewerTracer(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      BraintrustGemini.wrap(f.traced, f.tracer);
      BraintrustGemini.wrap(f.traced, f.tracer);
      f.traced.models.generateContent(MODEL, "once", null);
      assertThat(f.rows()).hasSize(1);
    }
  }
}

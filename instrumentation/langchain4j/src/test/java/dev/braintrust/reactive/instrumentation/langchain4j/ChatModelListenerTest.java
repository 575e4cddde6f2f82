package dev.braintrust.reactive.instrumentation.langchain4j;

import static dev.braintrust.reactive.instrumentation.langchain4j.Fixture.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracing;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Chat and embeddings calls through LangChain4j's OpenAI models with our listeners registered. */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes opened only to make a span current
class ChatModelListenerTest {

  @Test
  void aChatCallIsAnLlmSpanUnderTheCurrentSpanWithMessagesParametersReplyAndTokens(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ChatModel model =
          f.chatModel().temperature(0.3).maxTokens(40).listeners(List.of(f.listener)).build();
      Span root = f.tracer.startSpan("assist", SpanType.TASK);
      ChatResponse reply;
      try (Scope s = root.makeCurrent()) {
        reply =
            model.chat(SystemMessage.from("Be brief."), UserMessage.from("How tall is Everest?"));
      } finally {
        root.end();
      }

      assertThat(reply.aiMessage().text()).isEqualTo("echo: How tall is Everest?");
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("span_attributes").get("type").asText()).isEqualTo("llm");
      assertThat(llm.get("span_parents")).containsExactly(f.row("assist").get("span_id"));
      JsonNode input = llm.get("input");
      assertThat(input.get(0).get("role").asText()).isEqualTo("system");
      assertThat(input.get(0).get("content").asText()).isEqualTo("Be brief.");
      assertThat(input.get(1).get("role").asText()).isEqualTo("user");
      assertThat(input.get(1).get("content").asText()).isEqualTo("How tall is Everest?");
      JsonNode choice = llm.get("output").get(0);
      assertThat(choice.get("message").get("content").asText())
          .isEqualTo("echo: How tall is Everest?");
      assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
      JsonNode metadata = llm.get("metadata");
      assertThat(metadata.get("model").asText()).isEqualTo("gpt-4o-mini");
      assertThat(metadata.get("temperature").asDouble()).isEqualTo(0.3);
      assertThat(metadata.get("max_tokens").asInt()).isEqualTo(40);
      assertThat(metadata.get("provider").asText()).isEqualTo("openai");
      // The fake counts words: 2 + 4 in, 5 out.
      assertThat(llm.get("metrics").get("prompt_tokens").asInt()).isEqualTo(6);
      assertThat(llm.get("metrics").get("completion_tokens").asInt()).isEqualTo(5);
      assertThat(llm.get("metrics").get("tokens").asInt()).isEqualTo(11);
      assertThat(llm.get("metrics").get("start").asDouble())
          .isLessThanOrEqualTo(llm.get("metrics").get("end").asDouble());
    }
  }

  @Test
  void toolsGoToMetadataAndToolCallsToTheOutput(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ChatModel model = f.chatModel().listeners(List.of(f.listener)).build();
      server.scriptModelToolCall("get_weather", "{\"city\":\"Oslo\"}");
      ToolSpecification weather =
          ToolSpecification.builder()
              .name("get_weather")
              .description("Current weather")
              .parameters(
                  JsonObjectSchema.builder().addStringProperty("city").required("city").build())
              .build();

      ChatResponse reply =
          model.chat(
              ChatRequest.builder()
                  .messages(UserMessage.from("Weather in Oslo?"))
                  .toolSpecifications(weather)
                  .build());

      ToolExecutionRequest call = reply.aiMessage().toolExecutionRequests().get(0);
      assertThat(call.arguments()).isEqualTo("{\"city\":\"Oslo\"}");
      ObjectNode llm = f.row("Chat Completion");
      JsonNode tool = llm.get("metadata").get("tools").get(0);
      assertThat(tool.get("type").asText()).isEqualTo("function");
      assertThat(tool.get("function").get("name").asText()).isEqualTo("get_weather");
      assertThat(
              tool.get("function")
                  .get("parameters")
                  .get("properties")
                  .get("city")
                  .get("type")
                  .asText())
          .isEqualTo("string");
      JsonNode out = llm.get("output").get(0);
      assertThat(out.get("finish_reason").asText()).isEqualTo("tool_calls");
      JsonNode recorded = out.get("message").get("tool_calls").get(0);
      assertThat(recorded.get("id").asText()).isEqualTo(call.id());
      assertThat(recorded.get("function").get("name").asText()).isEqualTo("get_weather");
      assertThat(recorded.get("function").get("arguments").asText())
          .isEqualTo("{\"city\":\"Oslo\"}");
    }
  }

  @Test
  void aFailedCallIsAnErrorSpanAndTheCallerGetsTheSameException(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ChatModel plain = f.chatModel().build();
      ChatModel traced = f.chatModel().listeners(List.of(f.listener)).build();
      Fault badRequest =
          Fault.status(400)
              .body("{\"error\":{\"message\":\"no such model\"}}")
              .onPathContaining("/chat/completions");
      server.faults().enqueue(badRequest, badRequest);

      Throwable expected = catchThrowable(() -> plain.chat("hi"));
      Throwable thrown = catchThrowable(() -> traced.chat("hi"));

      assertThat(thrown).isNotNull().hasSameClassAs(expected).hasMessage(expected.getMessage());
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("error").asText())
          .contains(thrown.getClass().getSimpleName())
          .contains("no such model");
      assertThat(llm.get("metrics").has("end")).isTrue();
    }
  }

  @Test
  void aCallInsideAReactiveChainIsAChildOfTheSpanInTheReactorContext(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ChatModel model = f.chatModel().listeners(List.of(f.listener)).build();

      String reply =
          f.tracer
              .mono(
                  "pipeline",
                  SpanType.TASK,
                  span -> Tracing.fromCallable(() -> model.chat("hello")))
              .block(T);

      assertThat(reply).isEqualTo("echo: hello");
      assertThat(f.row("Chat Completion").get("span_parents"))
          .containsExactly(f.row("pipeline").get("span_id"));
    }
  }

  @Test
  void anEmbeddingsCallRecordsItsTextsModelVectorsAndTokens(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      EmbeddingModel model =
          f.embeddingModel()
              .listeners(List.of(BraintrustLangChain4j.embeddingModelListener(f.tracer)))
              .build();
      Span root = f.tracer.startSpan("index", SpanType.TASK);
      Response<List<Embedding>> vectors;
      try (Scope s = root.makeCurrent()) {
        vectors =
            model.embedAll(
                List.of(TextSegment.from("red apples"), TextSegment.from("green pears grow")));
      } finally {
        root.end();
      }

      assertThat(vectors.content()).hasSize(2);
      ObjectNode row = f.row("Embedding");
      assertThat(row.get("span_attributes").get("type").asText()).isEqualTo("llm");
      assertThat(row.get("span_parents")).containsExactly(f.row("index").get("span_id"));
      // The canonical embeddings shape: indexed inputs, a count and indices out, no vectors.
      assertThat(row.at("/input/inputs")).hasSize(2);
      assertThat(row.at("/input/inputs/1/index").asInt()).isEqualTo(1);
      assertThat(row.at("/input/inputs/1/content").asText()).isEqualTo("green pears grow");
      assertThat(row.get("metadata").get("model").asText()).isEqualTo("text-embedding-3-small");
      assertThat(row.get("metadata").get("provider").asText()).isEqualTo("openai");
      assertThat(row.at("/output/count").asInt()).isEqualTo(2);
      assertThat(row.at("/output/embeddings/1/index").asInt()).isEqualTo(1);
      assertThat(row.get("output").toString()).doesNotContain("dimensions", "vector");
      assertThat(row.get("metrics").has("completion_tokens")).isFalse();
      assertThat(row.get("metrics").get("prompt_tokens").asInt()).isEqualTo(5);
      assertThat(row.get("metrics").get("tokens").asInt()).isEqualTo(5);
    }
  }
}

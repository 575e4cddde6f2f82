package dev.braintrust.reactive.instrumentation.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.tool.function.FunctionToolCallback;

/** Spring AI's OpenAI chat model called (not streamed) against the testkit, observed by us. */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes opened only to make a span current
class ChatCallTest {

  /** The tool's input, as Spring AI derives its JSON schema. */
  record WeatherRequest(String location) {}

  static Prompt prompt() {
    return new Prompt(
        List.of(
            new SystemMessage("you are a helpful assistant"),
            new UserMessage("What is the capital of France?")));
  }

  @Test
  void aCallIsAnLlmSpanWithThePromptTheChoiceTheModelProviderAndTokens(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("The capital of France is Paris.");
      Span root = f.tracer.startSpan("ask", SpanType.TASK);
      ChatResponse response;
      try (Scope s = root.makeCurrent()) {
        response = f.model().call(prompt());
      } finally {
        root.end();
      }
      assertThat(response.getResult().getOutput().getText())
          .isEqualTo("The capital of France is Paris.");

      ObjectNode row = f.row("Chat Completion");
      assertThat(row.path("span_attributes").path("type").asText()).isEqualTo("llm");
      assertThat(row.get("span_parents")).containsExactly(f.row("ask").get("span_id"));
      JsonNode input = row.get("input");
      assertThat(input).hasSize(2);
      assertThat(input.get(0).path("role").asText()).isEqualTo("system");
      assertThat(input.get(0).path("content").asText()).isEqualTo("you are a helpful assistant");
      assertThat(input.get(1).path("role").asText()).isEqualTo("user");
      assertThat(input.get(1).path("content").asText()).isEqualTo("What is the capital of France?");
      JsonNode choice = row.get("output").get(0);
      assertThat(choice.path("index").asInt()).isZero();
      assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
      assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
      assertThat(choice.path("message").path("content").asText())
          .isEqualTo("The capital of France is Paris.");
      assertThat(row.path("metadata").path("model").asText()).startsWith("gpt-4o-mini");
      assertThat(row.path("metadata").path("provider").asText()).isEqualTo("openai");
      assertThat(row.path("metadata").path("temperature").asDouble()).isZero();
      JsonNode metrics = row.get("metrics");
      int prompt = metrics.path("prompt_tokens").asInt();
      int completion = metrics.path("completion_tokens").asInt();
      assertThat(prompt).isPositive();
      assertThat(completion).isPositive();
      assertThat(metrics.path("tokens").asInt()).isEqualTo(prompt + completion);
      assertThat(
              row.path("context").path("span_origin").path("instrumentation").path("name").asText())
          .isEqualTo("instrumentation-spring-ai");
    }
  }

  @Test
  void anErrorReachesTheCallerAsAnUnobservedModelThrowsItAndFailsTheSpan(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.faults().enqueue(Fault.status(400).onPathContaining("chat/completions"));
      Throwable plain =
          catchThrowable(
              () -> f.rawModel(Fixture.options().build(), ObservationRegistry.NOOP).call(prompt()));
      server.faults().enqueue(Fault.status(400).onPathContaining("chat/completions"));
      Throwable traced = catchThrowable(() -> f.model().call(prompt()));

      assertThat(plain).isNotNull();
      assertThat(traced).isExactlyInstanceOf(plain.getClass()).hasMessage(plain.getMessage());
      ObjectNode row = f.row("Chat Completion");
      assertThat(row.path("error").asText()).contains("400");
      assertThat(row.path("output").isMissingNode() || row.path("output").isNull()).isTrue();
    }
  }

  @Test
  void eachTurnOfSpringAisToolLoopIsItsOwnSpanUnderTheCallersSpan(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelToolCall("get_weather", "{\"location\":\"Paris, France\"}");
      server.scriptModelReply("It is sunny in Paris.");
      FunctionToolCallback<WeatherRequest, String> weather =
          FunctionToolCallback.builder(
                  "get_weather", (WeatherRequest r) -> "sunny in " + r.location())
              .description("Get the current weather for a location")
              .inputType(WeatherRequest.class)
              .build();
      ChatModel model = f.model(Fixture.options().toolCallbacks(weather).build());
      Span root = f.tracer.startSpan("weather", SpanType.TASK);
      ChatResponse response;
      try (Scope s = root.makeCurrent()) {
        response = model.call(new Prompt(new UserMessage("What is the weather like in Paris?")));
      } finally {
        root.end();
      }
      assertThat(response.getResult().getOutput().getText()).isEqualTo("It is sunny in Paris.");

      List<ObjectNode> turns = f.rows("Chat Completion");
      assertThat(turns).hasSize(2);
      JsonNode rootId = f.row("weather").get("span_id");
      assertThat(turns).allSatisfy(t -> assertThat(t.get("span_parents")).containsExactly(rootId));

      ObjectNode first = turns.get(0);
      JsonNode tool = first.path("metadata").path("tools").get(0);
      assertThat(tool.path("type").asText()).isEqualTo("function");
      assertThat(tool.path("function").path("name").asText()).isEqualTo("get_weather");
      assertThat(tool.path("function").path("parameters").path("properties").has("location"))
          .isTrue();
      JsonNode call = first.get("output").get(0);
      assertThat(call.path("finish_reason").asText()).isEqualTo("tool_calls");
      JsonNode toolCall = call.path("message").path("tool_calls").get(0);
      assertThat(toolCall.path("type").asText()).isEqualTo("function");
      assertThat(toolCall.path("function").path("name").asText()).isEqualTo("get_weather");
      assertThat(toolCall.path("function").path("arguments").asText()).contains("Paris");

      JsonNode second = turns.get(1).get("input");
      assertThat(second).hasSize(3);
      assertThat(second.get(1).path("role").asText()).isEqualTo("assistant");
      assertThat(second.get(1).path("tool_calls").get(0).path("id").asText())
          .isEqualTo(toolCall.path("id").asText());
      assertThat(second.get(2).path("role").asText()).isEqualTo("tool");
      assertThat(second.get(2).path("tool_call_id").asText())
          .isEqualTo(toolCall.path("id").asText());
      assertThat(second.get(2).path("content").asText()).contains("sunny in Paris, France");
      assertThat(turns.get(1).get("output").get(0).path("message").path("content").asText())
          .isEqualTo("It is sunny in Paris.");
    }
  }

  @Test
  void anEmbeddingsCallIsAnLlmSpanWithTheInputsAndTheVectorCountNotTheVectors(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      EmbeddingResponse response = f.embeddingModel().embedForResponse(List.of("alpha", "beta"));
      assertThat(response.getResults()).hasSize(2);

      ObjectNode row = f.row("Embedding");
      assertThat(row.path("span_attributes").path("type").asText()).isEqualTo("llm");
      JsonNode inputs = row.path("input").path("inputs");
      assertThat(inputs).hasSize(2);
      assertThat(inputs.get(0).path("content").asText()).isEqualTo("alpha");
      assertThat(row.path("output").path("count").asInt()).isEqualTo(2);
      assertThat(row.path("metadata").path("model").asText()).startsWith("text-embedding-3-small");
      assertThat(row.path("metadata").path("provider").asText()).isEqualTo("openai");
      assertThat(row.path("metrics").path("prompt_tokens").asInt()).isPositive();
      assertThat(row.path("metrics").has("completion_tokens")).isFalse();
    }
  }
}

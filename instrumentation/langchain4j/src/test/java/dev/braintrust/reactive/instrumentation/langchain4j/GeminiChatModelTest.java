package dev.braintrust.reactive.instrumentation.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j's Google AI Gemini chat model, with our listener, against the testkit's Gemini API
 * routes: the listener records it as it records any chat model, with {@code provider: google}.
 */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // the scope is opened only to make the span current
class GeminiChatModelTest {

  @Test
  void aGeminiChatCallIsAnLlmSpanWithMessagesReplyProviderAndTokens(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ChatModel model =
          GoogleAiGeminiChatModel.builder()
              .baseUrl(server.baseUrl() + "/v1beta")
              .apiKey(server.apiKey())
              .modelName("gemini-test")
              .temperature(0.3)
              .maxOutputTokens(40)
              .maxRetries(0)
              .listeners(List.of(f.listener))
              .build();
      Span root = f.tracer.startSpan("assist", SpanType.TASK);
      ChatResponse reply;
      try (Scope s = root.makeCurrent()) {
        reply =
            model.chat(SystemMessage.from("Be brief."), UserMessage.from("How tall is Everest?"));
      } finally {
        root.end();
      }

      assertThat(reply.aiMessage().text()).isEqualTo("echo: How tall is Everest?");
      ObjectNode llm =
          f.rows().stream()
              .filter(r -> r.path("span_attributes").path("type").asText().equals("llm"))
              .findFirst()
              .orElseThrow();
      assertThat(llm.get("span_parents")).containsExactly(f.row("assist").get("span_id"));
      JsonNode input = llm.get("input");
      assertThat(input.get(0).get("role").asText()).isEqualTo("system");
      assertThat(input.get(0).get("content").asText()).isEqualTo("Be brief.");
      assertThat(input.get(1).get("role").asText()).isEqualTo("user");
      assertThat(input.get(1).get("content").asText()).isEqualTo("How tall is Everest?");
      assertThat(Objects.toString(llm.get("output"))).contains("echo: How tall is Everest?");
      JsonNode metadata = llm.get("metadata");
      assertThat(metadata.get("provider").asText()).isEqualTo("google");
      assertThat(metadata.get("model").asText()).isEqualTo("gemini-test");
      assertThat(metadata.get("temperature").asDouble()).isEqualTo(0.3);
      assertThat(metadata.get("max_tokens").asInt()).isEqualTo(40);
      // The fake counts words: 2 (system) + 4 in, 5 out.
      assertThat(llm.get("metrics").get("prompt_tokens").asInt()).isEqualTo(6);
      assertThat(llm.get("metrics").get("completion_tokens").asInt()).isEqualTo(5);
      assertThat(llm.get("metrics").get("tokens").asInt()).isEqualTo(11);
    }
  }
}

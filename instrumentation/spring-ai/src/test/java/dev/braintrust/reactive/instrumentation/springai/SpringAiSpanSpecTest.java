package dev.braintrust.reactive.instrumentation.springai;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.LlmSpanCase;
import dev.braintrust.reactive.testkit.SpanMatcher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.function.FunctionToolCallback;

/**
 * The cross-SDK LLM span cases for OpenAI chat completions ({@code test/llm_span/openai/*.yaml} of
 * braintrust-spec): each case's request, written as a Spring AI prompt and options, goes through
 * Spring AI's real OpenAI chat model to the testkit, which answers with the case's canned OpenAI
 * response; the stored rows must match the case's expected spans. The Responses API case has no
 * Spring AI 1.1 counterpart, and attachments are another module's (issue 30).
 */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // the root scope is opened only to make the span current
class SpringAiSpanSpecTest {

  static Stream<LlmSpanCase> cases() {
    return LlmSpanCase.all("openai").stream()
        .filter(c -> c.endpoint().equals("/v1/chat/completions"))
        .filter(c -> !c.name().equals("attachments"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theStoredRowsMatchTheSpecCase(LlmSpanCase c, BraintrustTestServer server) throws Exception {
    assumeTrue(c.skipReason() == null, () -> c + " skipped: " + c.skipReason());
    String project = "spec-spring-ai-" + c.name();
    try (Fixture f = new Fixture(server, project)) {
      c.responses().forEach(r -> server.scriptModelResponse(r.contentType(), r.body()));
      Span root = f.tracer.startSpan(c.name(), SpanType.TASK);
      try (Scope s = root.makeCurrent()) {
        for (ObjectNode request : c.requests()) {
          ChatModel model = f.model(options(request));
          Prompt prompt = new Prompt(messages(request.get("messages")));
          if (request.path("stream").asBoolean(false)) {
            model.stream(prompt).blockLast(Fixture.T);
          } else {
            model.call(prompt);
          }
        }
      } finally {
        root.end();
      }
      // A stream's observation stops just after its subscriber saw the end: wait for its row.
      int expected = c.expectedSpans().size() + 1;
      Instant deadline = Instant.now().plus(Fixture.T);
      while (f.rows().size() < expected && Instant.now().isBefore(deadline)) {
        Thread.sleep(20);
      }
      List<ObjectNode> rows = f.rows();
      SpanMatcher.assertSpans(c.toString(), rows, c.expectedSpans());
    }
  }

  /** The case's options as Spring AI's; tools are declared, not run, so the call comes back. */
  static OpenAiChatOptions options(ObjectNode request) {
    OpenAiChatOptions.Builder b = OpenAiChatOptions.builder().model(request.get("model").asText());
    if (request.has("temperature")) {
      b.temperature(request.get("temperature").asDouble());
    }
    if (request.has("max_tokens")) {
      b.maxTokens(request.get("max_tokens").asInt());
    }
    b.streamUsage(request.path("stream_options").path("include_usage").asBoolean(false));
    List<ToolCallback> tools = new ArrayList<>();
    for (JsonNode t : request.path("tools")) {
      JsonNode fn = t.get("function");
      tools.add(
          FunctionToolCallback.builder(fn.get("name").asText(), (Map<?, ?> in) -> "unused")
              .description(fn.path("description").asText())
              .inputSchema(fn.get("parameters").toString())
              .inputType(Map.class)
              .build());
    }
    if (!tools.isEmpty()) {
      b.toolCallbacks(tools).internalToolExecutionEnabled(false);
    }
    return b.build();
  }

  static List<Message> messages(JsonNode messages) {
    List<Message> out = new ArrayList<>();
    for (JsonNode m : messages) {
      String text = m.path("content").asText();
      switch (m.path("role").asText()) {
        case "system" -> out.add(new SystemMessage(text));
        case "assistant" -> out.add(new AssistantMessage(text));
        default -> out.add(new UserMessage(text));
      }
    }
    return out;
  }
}

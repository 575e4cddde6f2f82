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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.function.FunctionToolCallback;

/** Spring AI's OpenAI chat model streamed (WebClient, Server-Sent Events) against the testkit. */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes opened only to make a span current
class StreamingChatTest {

  static String text(List<ChatResponse> chunks) {
    return chunks.stream()
        .map(c -> c.getResult() == null ? null : c.getResult().getOutput().getText())
        .filter(t -> t != null)
        .collect(Collectors.joining());
  }

  static boolean hasText(ChatResponse c) {
    return c.getResult() != null
        && c.getResult().getOutput().getText() != null
        && !c.getResult().getOutput().getText().isEmpty();
  }

  /**
   * Waits for a row: Spring AI stops a stream's observation in {@code doFinally}, after the
   * subscriber has seen the stream end, so the span may end a moment after the caller returns.
   */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Fixture.T);
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as(what).isBefore(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aStreamIsOneSpanWithTheAssembledReplyTokensAndTimeToFirstToken(BraintrustTestServer server)
      throws Exception {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("One two three four five.");
      ChatModel model = f.model(Fixture.options().streamUsage(true).build());
      Span root = f.tracer.startSpan("count", SpanType.TASK);
      List<ChatResponse> chunks;
      try (Scope s = root.makeCurrent()) {
        chunks =
            model.stream(new Prompt(new UserMessage("Count to five.")))
                .collectList()
                .block(Fixture.T);
      } finally {
        root.end();
      }
      assertThat(text(chunks)).isEqualTo("One two three four five.");

      await("the stream's row", () -> !f.rows("Chat Completion").isEmpty());
      ObjectNode row = f.row("Chat Completion");
      assertThat(row.get("span_parents")).containsExactly(f.row("count").get("span_id"));
      assertThat(row.get("input").get(0).path("content").asText()).isEqualTo("Count to five.");
      JsonNode choice = row.get("output").get(0);
      assertThat(choice.path("message").path("content").asText())
          .isEqualTo("One two three four five.");
      assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
      JsonNode metrics = row.get("metrics");
      assertThat(metrics.path("time_to_first_token").isNumber()).isTrue();
      assertThat(metrics.path("time_to_first_token").asDouble())
          .isBetween(0.0, metrics.path("end").asDouble() - metrics.path("start").asDouble());
      assertThat(metrics.path("prompt_tokens").asInt()).isPositive();
      assertThat(metrics.path("completion_tokens").asInt()).isPositive();
      assertThat(row.path("metadata").path("model").asText()).startsWith("gpt-4o-mini");
      assertThat(row.path("metadata").path("provider").asText()).isEqualTo("openai");
    }
  }

  @Test
  void aStreamTheCallerCancelsEndsItsSpanMarkedCancelledWithTheTextSoFar(
      BraintrustTestServer server) throws Exception {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("alpha beta gamma delta epsilon zeta eta theta");
      server.sseEventDelay(Duration.ofMillis(50));
      ChatResponse first =
          f.model().stream(new Prompt(new UserMessage("Say the Greek letters.")))
              .filter(StreamingChatTest::hasText)
              .blockFirst(Fixture.T);
      assertThat(first).isNotNull();

      await("the cancelled span's row", () -> !f.rows("Chat Completion").isEmpty());
      ObjectNode row = f.row("Chat Completion");
      assertThat(row.path("metadata").path("cancelled").asBoolean()).isTrue();
      assertThat(row.path("error").isMissingNode() || row.path("error").isNull()).isTrue();
      String partial = row.get("output").get(0).path("message").path("content").asText();
      assertThat(partial).startsWith(first.getResult().getOutput().getText());
      assertThat(partial.length())
          .isLessThan("alpha beta gamma delta epsilon zeta eta theta".length());
      assertThat(row.path("metrics").path("time_to_first_token").isNumber()).isTrue();
      await("the testkit to see the stream cut", () -> server.streamsAborted() >= 1);
    }
  }

  @Test
  void aStreamThatFailsReachesTheSubscriberAsAnUnobservedOnesDoesAndFailsTheSpan(
      BraintrustTestServer server) throws Exception {
    try (Fixture f = new Fixture(server)) {
      Prompt prompt = new Prompt(new UserMessage("hello"));
      server.faults().enqueue(Fault.status(503).onPathContaining("chat/completions"));
      Throwable plain =
          catchThrowable(
              () ->
                  f.rawModel(Fixture.options().build(), ObservationRegistry.NOOP).stream(prompt)
                      .blockLast(Fixture.T));
      server.faults().enqueue(Fault.status(503).onPathContaining("chat/completions"));
      Throwable traced = catchThrowable(() -> f.model().stream(prompt).blockLast(Fixture.T));

      assertThat(plain).isNotNull();
      assertThat(traced).isExactlyInstanceOf(plain.getClass()).hasMessage(plain.getMessage());
      await("the failed span's row", () -> !f.rows("Chat Completion").isEmpty());
      ObjectNode row = f.row("Chat Completion");
      assertThat(row.path("error").asText()).contains("503");
    }
  }

  @Test
  void aStreamedToolLoopGivesEachTurnASpanUnderTheSubscribersSpan(BraintrustTestServer server)
      throws Exception {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelToolCall("get_weather", "{\"location\":\"Paris, France\"}");
      server.scriptModelReply("It is sunny in Paris.");
      FunctionToolCallback<ChatCallTest.WeatherRequest, String> weather =
          FunctionToolCallback.builder(
                  "get_weather", (ChatCallTest.WeatherRequest r) -> "sunny in " + r.location())
              .description("Get the current weather for a location")
              .inputType(ChatCallTest.WeatherRequest.class)
              .build();
      ChatModel model = f.model(Fixture.options().toolCallbacks(weather).build());
      Span root = f.tracer.startSpan("weather", SpanType.TASK);
      List<ChatResponse> chunks;
      try (Scope s = root.makeCurrent()) {
        chunks =
            model.stream(new Prompt(new UserMessage("What is the weather like in Paris?")))
                .collectList()
                .block(Fixture.T);
      } finally {
        root.end();
      }
      assertThat(text(chunks)).contains("It is sunny in Paris.");

      await("both turns' rows", () -> f.rows("Chat Completion").size() == 2);
      List<ObjectNode> turns = f.rows("Chat Completion");
      JsonNode rootId = f.row("weather").get("span_id");
      assertThat(turns).allSatisfy(t -> assertThat(t.get("span_parents")).containsExactly(rootId));
      assertThat(turns.get(0).get("output").get(0).path("finish_reason").asText())
          .isEqualTo("tool_calls");
      JsonNode call = turns.get(0).get("output").get(0).path("message").path("tool_calls").get(0);
      assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
      assertThat(call.path("function").path("arguments").asText()).contains("Paris");
      assertThat(turns.get(1).path("metrics").path("time_to_first_token").isNumber()).isTrue();
      assertThat(turns.get(1).get("input").get(2).path("role").asText()).isEqualTo("tool");
      assertThat(turns.get(1).get("output").get(0).path("message").path("content").asText())
          .isEqualTo("It is sunny in Paris.");
    }
  }
}

package dev.braintrust.reactive.instrumentation.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streaming chat through LangChain4j's OpenAI streaming model: listener alone, and wrapped. */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes opened only to make a span current
class StreamingChatTest {

  /** Collects partial responses; completes with the response or the error. */
  static final class Collector implements StreamingChatResponseHandler {
    final List<String> partials = new CopyOnWriteArrayList<>();
    final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    final Consumer<PartialResponseContext> onPartial;

    Collector(Consumer<PartialResponseContext> onPartial) {
      this.onPartial = onPartial;
    }

    Collector() {
      this(ctx -> {});
    }

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
      partials.add(partial.text());
      onPartial.accept(context);
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
      done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }

    ChatResponse await() throws Exception {
      return done.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void withTheListenerAStreamedReplyIsAssembledWithItsTokens(BraintrustTestServer server)
      throws Exception {
    try (Fixture f = new Fixture(server)) {
      StreamingChatModel model = f.streamingModel().listeners(List.of(f.listener)).build();
      Collector c = new Collector();
      Span root = f.tracer.startSpan("stream-root", SpanType.TASK);
      try (Scope s = root.makeCurrent()) {
        model.chat("tell me a story", c);
      }
      ChatResponse response = c.await();
      root.end();

      assertThat(String.join("", c.partials))
          .isEqualTo("echo: tell me a story")
          .isEqualTo(response.aiMessage().text());
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("span_parents")).containsExactly(f.row("stream-root").get("span_id"));
      assertThat(llm.get("output").get(0).get("message").get("content").asText())
          .isEqualTo("echo: tell me a story");
      // LangChain4j asks for the usage chunk; the testkit sends it after the last choice.
      assertThat(llm.get("metrics").get("prompt_tokens").asInt()).isEqualTo(4);
      assertThat(llm.get("metrics").get("completion_tokens").asInt()).isEqualTo(5);
      assertThat(llm.get("metrics").get("tokens").asInt()).isEqualTo(9);
      assertThat(llm.get("metadata").get("model").asText()).isEqualTo("gpt-4o-mini");
    }
  }

  @Test
  void wrappedTheHandlerSeesTheSamePartialsAndTheSpanGetsFirstTokenTimeOnce(
      BraintrustTestServer server) throws Exception {
    try (Fixture f = new Fixture(server)) {
      Collector plain = new Collector();
      f.streamingModel().build().chat("count to three", plain);
      plain.await();
      // The listener is registered too: the wrapper's span is the only one.
      StreamingChatModel model =
          BraintrustLangChain4j.wrap(
              f.streamingModel().temperature(0.5).listeners(List.of(f.listener)).build(), f.tracer);
      Collector traced = new Collector();
      Span root = f.tracer.startSpan("wrapped-root", SpanType.TASK);
      try (Scope s = root.makeCurrent()) {
        model.chat("count to three", traced);
      }
      ChatResponse response = traced.await();
      root.end();

      assertThat(BraintrustLangChain4j.wrap(model, f.tracer)).isSameAs(model);
      assertThat(traced.partials).isEqualTo(plain.partials).hasSize(4);
      assertThat(response.aiMessage().text()).isEqualTo("echo: count to three");
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("span_parents")).containsExactly(f.row("wrapped-root").get("span_id"));
      JsonNode metrics = llm.get("metrics");
      assertThat(metrics.get("time_to_first_token").asDouble())
          .isPositive()
          .isLessThanOrEqualTo(
              metrics.get("end").asDouble() - metrics.get("start").asDouble() + 1e-3);
      assertThat(metrics.get("tokens").asInt()).isEqualTo(3 + 4);
      assertThat(llm.get("metadata").get("temperature").asDouble()).isEqualTo(0.5);
      assertThat(llm.get("input").get(0).get("content").asText()).isEqualTo("count to three");
      assertThat(llm.get("output").get(0).get("message").get("content").asText())
          .isEqualTo("echo: count to three");
    }
  }

  @Test
  void cancellingThroughTheStreamingHandleEndsTheSpanWithWhatArrived(BraintrustTestServer server)
      throws Exception {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("one two three four five six seven eight");
      server.sseEventDelay(Duration.ofMillis(200));
      StreamingChatModel model = BraintrustLangChain4j.wrap(f.streamingModel().build(), f.tracer);
      CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
      Collector c =
          new Collector(
              ctx -> {
                ctx.streamingHandle().cancel();
                cancelled.complete(ctx.streamingHandle().isCancelled());
              });

      model.chat("count", c);

      assertThat(cancelled.get(10, TimeUnit.SECONDS)).isTrue();
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("metadata").get("cancelled").asBoolean()).isTrue();
      assertThat(llm.get("output").get(0).get("message").get("content").asText()).isEqualTo("one ");
      assertThat(llm.get("metrics").has("time_to_first_token")).isTrue();
      assertThat(llm.get("metrics").has("end")).isTrue();
      assertThat(c.done).isNotDone();
    }
  }

  @Test
  void aStreamThatFailsIsAnErrorSpanAndTheHandlerGetsTheSameError(BraintrustTestServer server)
      throws Exception {
    try (Fixture f = new Fixture(server)) {
      Fault fault =
          Fault.status(400)
              .body("{\"error\":{\"message\":\"bad stream\"}}")
              .onPathContaining("/chat/completions");
      server.faults().enqueue(fault, fault);
      Collector plain = new Collector();
      f.streamingModel().build().chat("x", plain);
      Collector traced = new Collector();
      BraintrustLangChain4j.wrap(f.streamingModel().build(), f.tracer).chat("x", traced);

      Throwable expected = plain.done.handle((r, e) -> e).get(10, TimeUnit.SECONDS);
      Throwable error = traced.done.handle((r, e) -> e).get(10, TimeUnit.SECONDS);

      assertThat(error).isNotNull().hasSameClassAs(expected).hasMessage(expected.getMessage());
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("error").asText()).contains("bad stream");
      assertThat(llm.get("metrics").has("end")).isTrue();
    }
  }
}

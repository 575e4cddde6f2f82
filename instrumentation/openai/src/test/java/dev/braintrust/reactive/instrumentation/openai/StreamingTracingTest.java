package dev.braintrust.reactive.instrumentation.openai;

import static dev.braintrust.reactive.instrumentation.openai.Fixture.chat;
import static dev.braintrust.reactive.instrumentation.openai.Fixture.withUsage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streamed chat completions: assembly, first-token time, usage chunk, early close, async. */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes opened only to make a span current
class StreamingTracingTest {

  /** What the caller can observe of a chunk; ids and timestamps differ between calls. */
  private static String seen(ChatCompletionChunk c) {
    return c.choices().isEmpty()
        ? "usage=" + c.usage().map(u -> u.totalTokens()).orElse(-1L)
        : c.choices().get(0).delta().content().orElse("")
            + "|"
            + c.choices().get(0).finishReason().map(Object::toString).orElse("");
  }

  @Test
  void timeToFirstTokenIsTakenAtTheFirstChunkWithContentNotAtTheRoleOnlyOne(
      BraintrustTestServer server) {
    String role =
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"finish_reason\":null}]}";
    String empty = role.replace("\"role\":\"assistant\",", "");
    String text = empty.replace("\"content\":\"\"", "\"content\":\"Hi\"");
    // Each event is sent in two halves, each after the pause: the role-only chunk is complete
    // after two pauses, an empty delta after four, the first content after six. So the content
    // cannot be seen before six pauses; the first chunk, after a warmed-up client, well before.
    Duration pause = Duration.ofMillis(500);
    try (Fixture f = new Fixture(server)) {
      // Warm the client up untraced, so its first-call costs fall outside the measured call.
      try (StreamResponse<ChatCompletionChunk> s =
          f.raw.chat().completions().createStreaming(chat("warm up").build())) {
        s.stream().forEach(c -> {});
      }
      server.sseEventDelay(pause);
      server.scriptModelResponse(
          "text/event-stream",
          "data: " + role + "\n\ndata: " + empty + "\n\ndata: " + text + "\n\ndata: [DONE]\n\n");
      try (StreamResponse<ChatCompletionChunk> s =
          f.traced.chat().completions().createStreaming(chat("hi").build())) {
        assertThat(s.stream().count()).isEqualTo(3);
      }

      double ttft = f.row("Chat Completion").at("/metrics/time_to_first_token").asDouble();
      assertThat(ttft).isGreaterThanOrEqualTo(6 * pause.toMillis() / 1000.0 - 0.05);
    }
  }

  @Test
  void aStreamYieldsTheSameChunksAndItsSpanHoldsTheAssembledMessageTokensAndFirstTokenTime(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ChatCompletionCreateParams params =
          chat("tell me a story").streamOptions(withUsage()).build();
      List<String> plain;
      try (StreamResponse<ChatCompletionChunk> s =
          f.raw.chat().completions().createStreaming(params)) {
        plain = s.stream().map(StreamingTracingTest::seen).toList();
      }
      Span root = f.tracer.startSpan("story", SpanType.TASK);
      List<String> traced;
      try (Scope ignored = root.makeCurrent();
          StreamResponse<ChatCompletionChunk> s =
              f.traced.chat().completions().createStreaming(params)) {
        traced = s.stream().map(StreamingTracingTest::seen).toList();
      } finally {
        root.end();
      }

      assertThat(traced).isEqualTo(plain).hasSize(6).last().isEqualTo("usage=11");
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("span_parents")).containsExactly(f.row("story").get("span_id"));
      JsonNode choice = llm.get("output").get(0);
      assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
      assertThat(choice.get("message").get("content").asText()).isEqualTo("echo: tell me a story");
      assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
      JsonNode metrics = llm.get("metrics");
      assertThat(metrics.get("prompt_tokens").asInt()).isEqualTo(6);
      assertThat(metrics.get("completion_tokens").asInt()).isEqualTo(5);
      assertThat(metrics.get("tokens").asInt()).isEqualTo(11);
      double ttft = metrics.get("time_to_first_token").asDouble();
      assertThat(ttft)
          .isPositive()
          .isLessThanOrEqualTo(
              metrics.get("end").asDouble() - metrics.get("start").asDouble() + 1e-3);
      // stream_options is request plumbing, not a field the guide lets into metadata.
      assertThat(llm.get("metadata").has("stream_options")).isFalse();
      assertThat(llm.get("metadata").has("cancelled")).isFalse();
      assertThat(llm.get("input").get(1).get("content").asText()).isEqualTo("tell me a story");
    }
  }

  @Test
  void streamedToolCallFragmentsAreJoinedInTheOutput(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelToolCall("get_weather", "{\"city\":\"Rome\",\"unit\":\"C\"}");

      try (StreamResponse<ChatCompletionChunk> s =
          f.traced.chat().completions().createStreaming(chat("Weather?").build())) {
        assertThat(s.stream().count()).isEqualTo(4);
      }

      JsonNode choice = f.row("Chat Completion").get("output").get(0);
      assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
      assertThat(choice.get("message").get("content").isNull()).isTrue();
      JsonNode call = choice.get("message").get("tool_calls").get(0);
      assertThat(call.get("id").asText()).startsWith("call_");
      assertThat(call.get("type").asText()).isEqualTo("function");
      assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
      assertThat(call.get("function").get("arguments").asText())
          .isEqualTo("{\"city\":\"Rome\",\"unit\":\"C\"}");
    }
  }

  @Test
  void closingAStreamHalfWayEndsTheSpanAsCancelledWithWhatArrived(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("one two three four five six seven eight");
      // Slow events, so the stream is certainly still going when it is closed.
      server.sseEventDelay(Duration.ofMillis(200));

      String first;
      try (StreamResponse<ChatCompletionChunk> s =
          f.traced.chat().completions().createStreaming(chat("count").build())) {
        Iterator<ChatCompletionChunk> it = s.stream().iterator();
        first = it.next().choices().get(0).delta().content().orElseThrow();
      }

      assertThat(first).isEqualTo("one ");
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("metadata").get("cancelled").asBoolean()).isTrue();
      assertThat(llm.get("output").get(0).get("message").get("content").asText()).isEqualTo("one ");
      assertThat(llm.get("output").get(0).get("finish_reason").isNull()).isTrue();
      assertThat(llm.get("metrics").has("time_to_first_token")).isTrue();
      assertThat(llm.get("metrics").has("end")).isTrue();
      assertThat(llm.get("metrics").has("tokens")).isFalse();
    }
  }

  @Test
  void closingTheJavaStreamHalfWayEndsTheSpanAsCancelledWithoutClosingTheResponse(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("one two three four five six seven eight");
      server.sseEventDelay(Duration.ofMillis(200));

      StreamResponse<ChatCompletionChunk> response =
          f.traced.chat().completions().createStreaming(chat("count").build());
      try {
        String first;
        try (Stream<ChatCompletionChunk> chunks = response.stream()) {
          first = chunks.iterator().next().choices().get(0).delta().content().orElseThrow();
        }

        assertThat(first).isEqualTo("one ");
        // Only the Stream was closed: the row is there before the response is.
        ObjectNode llm = f.row("Chat Completion");
        assertThat(llm.get("metadata").get("cancelled").asBoolean()).isTrue();
        assertThat(llm.at("/output/0/message/content").asText()).isEqualTo("one ");
        assertThat(llm.get("metrics").has("end")).isTrue();
      } finally {
        response.close();
      }
    }
  }

  @Test
  void anExceptionFromTheCallersOwnCodeReachesThemAsIsAndTheSpanEndsWhenTheyClose(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      IllegalStateException mine = new IllegalStateException("caller's bug");
      Throwable thrown;
      try (StreamResponse<ChatCompletionChunk> s =
          f.traced.chat().completions().createStreaming(chat("x y").build())) {
        thrown =
            catchThrowable(
                () ->
                    s.stream()
                        .forEach(
                            c -> {
                              throw mine;
                            }));
      }

      assertThat(thrown).isSameAs(mine);
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.has("error")).isFalse();
      assertThat(llm.get("metadata").get("cancelled").asBoolean()).isTrue();
      assertThat(llm.get("output").get(0).get("message").get("content").asText())
          .isEqualTo("echo: ");
    }
  }

  @Test
  void aStreamThatFailsToStartIsAnErrorSpanAndTheSameException(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      Fault fault = Fault.status(500).onPathContaining("/chat/completions");
      server.faults().enqueue(fault, fault);
      ChatCompletionCreateParams params = chat("x").build();

      Throwable plain =
          catchThrowable(() -> f.raw.chat().completions().createStreaming(params).stream().count());
      Throwable traced =
          catchThrowable(
              () -> f.traced.chat().completions().createStreaming(params).stream().count());

      assertThat(traced).isInstanceOf(InternalServerException.class).hasMessage(plain.getMessage());
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("error").asText()).contains("InternalServerException");
      assertThat(llm.get("metrics").has("end")).isTrue();
    }
  }

  @Test
  void anAsyncStreamGivesTheHandlerEveryChunkAndEndsTheSpanBeforeOnComplete(
      BraintrustTestServer server) throws Exception {
    try (Fixture f = new Fixture(server)) {
      List<String> chunks = new CopyOnWriteArrayList<>();
      CompletableFuture<Integer> rowsAtComplete = new CompletableFuture<>();
      Span root = f.tracer.startSpan("async-stream", SpanType.TASK);
      AsyncStreamResponse<ChatCompletionChunk> stream;
      try (Scope ignored = root.makeCurrent()) {
        stream =
            f.traced
                .async()
                .chat()
                .completions()
                .createStreaming(chat("stream async").streamOptions(withUsage()).build());
      }
      stream.subscribe(
          new AsyncStreamResponse.Handler<ChatCompletionChunk>() {
            @Override
            public void onNext(ChatCompletionChunk chunk) {
              chunks.add(seen(chunk));
            }

            @Override
            public void onComplete(Optional<Throwable> error) {
              f.exporter.flush().block(Fixture.T);
              rowsAtComplete.complete(server.projectLogs(server.projectId(Fixture.PROJECT)).size());
            }
          });
      stream.onCompleteFuture().get(10, TimeUnit.SECONDS);
      root.end();

      assertThat(rowsAtComplete.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(chunks).containsExactly("echo: |", "stream |", "async|stop", "usage=7");
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("span_parents")).containsExactly(f.row("async-stream").get("span_id"));
      assertThat(llm.get("output").get(0).get("message").get("content").asText())
          .isEqualTo("echo: stream async");
      assertThat(llm.get("metrics").get("tokens").asInt()).isEqualTo(7);
      assertThat(llm.get("metrics").get("time_to_first_token").asDouble()).isPositive();
    }
  }

  @Test
  void closingAnAsyncStreamHalfWayEndsTheSpanAsCancelled(BraintrustTestServer server)
      throws Exception {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("a b c d e f g h");
      server.sseEventDelay(Duration.ofMillis(200));
      CompletableFuture<String> first = new CompletableFuture<>();
      List<Optional<Throwable>> completions = new ArrayList<>();

      AsyncStreamResponse<ChatCompletionChunk> stream =
          f.traced.async().chat().completions().createStreaming(chat("letters").build());
      stream.subscribe(
          new AsyncStreamResponse.Handler<ChatCompletionChunk>() {
            @Override
            public void onNext(ChatCompletionChunk chunk) {
              first.complete(seen(chunk));
            }

            @Override
            public void onComplete(Optional<Throwable> error) {
              synchronized (completions) {
                completions.add(error);
              }
            }
          });
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("a |");
      stream.close();
      stream.onCompleteFuture().get(10, TimeUnit.SECONDS);

      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("metadata").get("cancelled").asBoolean()).isTrue();
      assertThat(llm.get("output").get(0).get("message").get("content").asText()).startsWith("a ");
      assertThat(llm.has("error")).isFalse();
    }
  }
}

package dev.braintrust.reactive.instrumentation.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.ObjectMappers;
import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streamed and asynchronous calls over a real socket. */
@ExtendWith(BraintrustTestServerExtension.class)
class AnthropicStreamingTest {
  private static final List<String> TEXT_STREAM =
      List.of(
          "message_start",
          "content_block_start",
          "content_block_delta",
          "content_block_delta",
          "content_block_delta",
          "content_block_delta",
          "content_block_stop",
          "message_delta",
          "message_stop");

  private Fixture fx;

  @BeforeEach
  void setUp(BraintrustTestServer server) {
    fx = new Fixture(server);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  /** Events as JSON without the message id, which differs per call. */
  private static List<JsonNode> comparable(List<RawMessageStreamEvent> events) {
    List<JsonNode> out = new ArrayList<>();
    for (RawMessageStreamEvent e : events) {
      ObjectNode json = ObjectMappers.jsonMapper().valueToTree(e);
      if (json.path("message").isObject()) {
        ((ObjectNode) json.get("message")).remove("id");
      }
      out.add(json);
    }
    return out;
  }

  private static List<String> types(List<RawMessageStreamEvent> events) {
    return comparable(events).stream().map(j -> j.path("type").asText()).toList();
  }

  private static List<RawMessageStreamEvent> read(
      AnthropicClient client, MessageCreateParams params) {
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
      return stream.stream().toList();
    }
  }

  private static void assertTimeToFirstToken(JsonNode metrics) {
    double ttft = metrics.get("time_to_first_token").asDouble();
    assertThat(ttft).isPositive();
    assertThat(ttft)
        .isLessThanOrEqualTo(
            metrics.get("end").asDouble() - metrics.get("start").asDouble() + 1e-3);
  }

  @Test
  void timeToFirstTokenIsTakenAtTheFirstContentDeltaNotAtMessageStart() {
    String events = BadProviderResponseTest.CUT_STREAM;
    String start = events.substring(0, events.indexOf("event: mystery"));
    String rest = events.substring(events.indexOf("event: content_block_start"));
    String stop = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    // Each event goes out in two halves, each after the pause: message_start is complete after
    // two pauses, the first content delta (the third event) after six.
    Duration pause = Duration.ofMillis(300);
    fx.server.sseEventDelay(pause);
    fx.server.scriptModelResponse("text/event-stream", start + rest + stop);
    BadProviderResponseTest.consume(fx.traced);

    double ttft = fx.row("anthropic.messages.stream").at("/metrics/time_to_first_token").asDouble();
    assertThat(ttft).isGreaterThanOrEqualTo(6 * pause.toMillis() / 1000.0 - 0.05);
  }

  @Test
  void aStreamIsAssembledIntoTheMessageWithTimeToFirstTokenAndItsEventsAreUnchanged() {
    MessageCreateParams params = Fixture.request("one two three").build();
    List<RawMessageStreamEvent> untraced = read(fx.plain, params);
    Span root = fx.tracer.startSpan("handle", SpanType.TASK);
    List<RawMessageStreamEvent> traced;
    try (Scope ignored = root.makeCurrent()) {
      traced = read(fx.traced, params);
    } finally {
      root.end();
    }

    assertThat(types(traced)).isEqualTo(TEXT_STREAM);
    assertThat(comparable(traced)).isEqualTo(comparable(untraced));
    ObjectNode row = fx.row("anthropic.messages.stream");
    assertThat(row.get("span_attributes").get("type").asText()).isEqualTo("llm");
    assertThat(row.get("span_parents").get(0).asText()).isEqualTo(root.spanId());
    JsonNode output = row.get("output");
    assertThat(output.get("id").asText()).isEqualTo(traced.get(0).asMessageStart().message().id());
    assertThat(output.get("content")).hasSize(1);
    assertThat(output.get("content").get(0).get("text").asText()).isEqualTo("echo: one two three");
    assertThat(output.get("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(row.get("metadata").has("stream")).isFalse();
    assertThat(row.get("metadata").has("cancelled")).isFalse();
    JsonNode m = row.get("metrics");
    assertThat(m.get("prompt_tokens").asInt()).isEqualTo(5);
    // From the final usage (message_delta), not message_start's placeholder.
    assertThat(m.get("completion_tokens").asInt()).isEqualTo(4);
    assertThat(m.get("tokens").asInt()).isEqualTo(9);
    assertTimeToFirstToken(m);
  }

  @Test
  void closingAStreamHalfWayEndsTheSpanWithWhatArrived() {
    fx.server.scriptModelReply("one two three four five six");
    try (StreamResponse<RawMessageStreamEvent> stream =
        fx.traced.messages().createStreaming(Fixture.request("q").build())) {
      for (RawMessageStreamEvent event : stream) {
        if (event.isContentBlockDelta()) {
          break;
        }
      }
    }

    ObjectNode row = fx.row("anthropic.messages.stream");
    assertThat(row.get("metadata").get("cancelled").asBoolean()).isTrue();
    assertThat(row.get("output").get("content").get(0).get("text").asText()).isEqualTo("one ");
    assertThat(row.get("output").get("stop_reason").isNull()).isTrue();
    assertThat(row.has("error")).isFalse();
    assertTimeToFirstToken(row.get("metrics"));
  }

  @Test
  void whatTheCallersOwnCodeThrowsPassesThroughAndIsNotTheCallsError() {
    RuntimeException mine = new IllegalStateException("mine");
    Throwable thrown;
    try (StreamResponse<RawMessageStreamEvent> stream =
        fx.traced.messages().createStreaming(Fixture.request("q").build())) {
      thrown =
          catchThrowable(
              () ->
                  stream.stream()
                      .forEach(
                          event -> {
                            if (event.isContentBlockDelta()) {
                              throw mine;
                            }
                          }));
    }

    assertThat(thrown).isSameAs(mine);
    ObjectNode row = fx.row("anthropic.messages.stream");
    assertThat(row.has("error")).isFalse();
    assertThat(row.get("metadata").get("cancelled").asBoolean()).isTrue();
  }

  @Test
  void aRefusedStreamIsRecordedAndItsExceptionRethrownUnchanged() {
    MessageCreateParams bad = Fixture.request("hi").maxTokens(0).build();

    Throwable untraced = catchThrowable(() -> read(fx.plain, bad));
    Throwable traced = catchThrowable(() -> read(fx.traced, bad));

    assertThat(traced).isInstanceOf(BadRequestException.class).hasMessage(untraced.getMessage());
    ObjectNode row = fx.row("anthropic.messages.stream");
    assertThat(row.get("error").asText())
        .contains("max_tokens: Input should be greater than or equal to 1");
  }

  @Test
  void anAsyncCallIsTracedUnderTheSpanCurrentWhenItWasMade() throws Exception {
    MessageCreateParams params = Fixture.request("later").build();
    Span root = fx.tracer.startSpan("handle", SpanType.TASK);
    CompletableFuture<Message> future;
    try (Scope ignored = root.makeCurrent()) {
      future = fx.traced.async().messages().create(params);
    }
    Message reply = future.get(10, TimeUnit.SECONDS);
    root.end();

    assertThat(reply.content().get(0).asText().text()).isEqualTo("echo: later");
    ObjectNode row = fx.row("anthropic.messages.create");
    assertThat(row.get("span_parents").get(0).asText()).isEqualTo(root.spanId());
    assertThat(row.get("output").get("content").get(0).get("text").asText())
        .isEqualTo("echo: later");
    assertThat(row.get("metrics").get("tokens").asInt()).isEqualTo(3 + 2);
  }

  @Test
  void aFailedAsyncCallFailsItsFutureAsTheUntracedOneDoes() {
    MessageCreateParams bad = Fixture.request("hi").maxTokens(0).build();

    Throwable untraced =
        catchThrowable(() -> fx.plain.async().messages().create(bad).get(10, TimeUnit.SECONDS));
    Throwable traced =
        catchThrowable(() -> fx.traced.async().messages().create(bad).get(10, TimeUnit.SECONDS));

    assertThat(traced).isInstanceOf(ExecutionException.class);
    assertThat(traced.getCause())
        .isInstanceOf(BadRequestException.class)
        .hasMessage(untraced.getCause().getMessage());
    assertThat(fx.row("anthropic.messages.create").get("error").asText())
        .contains("BadRequestException");
  }

  @Test
  void anAsyncStreamHandsTheHandlerEveryEventAndIsAssembled() throws Exception {
    List<RawMessageStreamEvent> events = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Optional<Throwable>> completion = new AtomicReference<>();
    AsyncStreamResponse<RawMessageStreamEvent> stream =
        fx.traced.async().messages().createStreaming(Fixture.request("one two three").build());
    stream.subscribe(
        new AsyncStreamResponse.Handler<RawMessageStreamEvent>() {
          @Override
          public void onNext(RawMessageStreamEvent event) {
            events.add(event);
          }

          @Override
          public void onComplete(Optional<Throwable> error) {
            completion.set(error);
          }
        });
    stream.onCompleteFuture().get(10, TimeUnit.SECONDS);

    assertThat(types(events)).isEqualTo(TEXT_STREAM);
    assertThat(completion.get()).isEmpty();
    ObjectNode row = fx.row("anthropic.messages.stream");
    assertThat(row.get("output").get("content").get(0).get("text").asText())
        .isEqualTo("echo: one two three");
    assertThat(row.get("metrics").get("completion_tokens").asInt()).isEqualTo(4);
    assertTimeToFirstToken(row.get("metrics"));
  }

  @Test
  void closingAnAsyncStreamFromItsHandlerEndsTheSpan() throws Exception {
    fx.server.scriptModelReply("one two three four five six");
    AtomicReference<AsyncStreamResponse<RawMessageStreamEvent>> holder = new AtomicReference<>();
    holder.set(fx.traced.async().messages().createStreaming(Fixture.request("q").build()));
    holder
        .get()
        .subscribe(
            event -> {
              if (event.isContentBlockDelta()) {
                holder.get().close();
              }
            });
    holder.get().onCompleteFuture().get(10, TimeUnit.SECONDS);

    ObjectNode row = fx.row("anthropic.messages.stream");
    assertThat(row.get("metadata").get("cancelled").asBoolean()).isTrue();
    assertThat(row.get("output").get("content").get(0).get("text").asText()).isEqualTo("one ");
  }

  @Test
  void aRefusedAsyncStreamFailsAsTheUntracedOneDoes() {
    MessageCreateParams bad = Fixture.request("hi").maxTokens(0).build();

    Throwable untraced =
        catchThrowable(
            () ->
                fx.plain
                    .async()
                    .messages()
                    .createStreaming(bad)
                    .onCompleteFuture()
                    .get(10, TimeUnit.SECONDS));
    Throwable traced =
        catchThrowable(
            () ->
                fx.traced
                    .async()
                    .messages()
                    .createStreaming(bad)
                    .onCompleteFuture()
                    .get(10, TimeUnit.SECONDS));

    assertThat(traced).isInstanceOf(ExecutionException.class);
    assertThat(traced.getCause())
        .isInstanceOf(BadRequestException.class)
        .hasMessage(untraced.getCause().getMessage());
    assertThat(fx.row("anthropic.messages.stream").get("error").asText())
        .contains("BadRequestException");
  }
}

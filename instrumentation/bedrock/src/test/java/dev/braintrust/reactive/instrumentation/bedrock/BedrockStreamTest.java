package dev.braintrust.reactive.instrumentation.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import dev.braintrust.reactive.testkit.internal.EventStreamFrames;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/** ConverseStream over a real socket: assembled rows, tool calls, failures, cancellation. */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes are opened only to make a span current
class BedrockStreamTest {
  private Fixture fx;

  @BeforeEach
  void setUp(BraintrustTestServer server) {
    fx = new Fixture(server);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void aStreamIsOneSpanWithTheAssembledReplyUsageAndTimeToFirstToken() throws Exception {
    Span root = fx.tracer.startSpan("request", SpanType.TASK);
    Fixture.Seen seen;
    try (Scope ignored = root.makeCurrent()) {
      seen = Fixture.stream(fx.tracedAsync, Fixture.streamRequest("count to three"));
    } finally {
      root.end();
    }

    assertThat(seen.events).hasSize(8);
    ObjectNode row = fx.row("bedrock.converse-stream");
    assertThat(row.path("span_parents"))
        .extracting(JsonNode::asText)
        .containsExactly(root.spanId());
    assertThat(row.get("output"))
        .isEqualTo(
            BedrockConverseTest.json(
                "[{\"role\":\"assistant\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"echo: count to three\"}]}]"));
    assertThat(row.path("input").get(1).path("content").get(0).path("text").asText())
        .isEqualTo("count to three");
    JsonNode metrics = row.get("metrics");
    assertThat(metrics.get("prompt_tokens").asInt()).isEqualTo(5);
    assertThat(metrics.get("completion_tokens").asInt()).isEqualTo(4);
    assertThat(metrics.get("tokens").asInt()).isEqualTo(9);
    double ttft = metrics.get("time_to_first_token").asDouble();
    double duration = metrics.get("end").asDouble() - metrics.get("start").asDouble();
    assertThat(ttft).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(duration + 1e-3);
    assertThat(row.path("metadata").path("provider").asText()).isEqualTo("bedrock");
    assertThat(row.has("error")).isFalse();
  }

  @Test
  void timeToFirstTokenIsTakenAtTheFirstContentEventNotTheMessageStart() throws Exception {
    // Each message is written in two halves with this pause before each: the first delta (the
    // second message) cannot arrive before four pauses have passed.
    Duration pause = Duration.ofMillis(150);
    fx.server.sseEventDelay(pause);

    Fixture.stream(fx.tracedAsync, Fixture.streamRequest("one two"));

    JsonNode metrics = fx.row("bedrock.converse-stream").get("metrics");
    assertThat(metrics.get("time_to_first_token").asDouble())
        .isGreaterThanOrEqualTo(3 * pause.toMillis() / 1000.0);
  }

  @Test
  void aStreamedToolCallIsAssembledFromItsStartAndInputFragments() throws Exception {
    fx.server.scriptModelToolCall("get_weather", "{\"city\":\"Paris\",\"days\":2}");
    ConverseStreamRequest request =
        ConverseStreamRequest.builder()
            .modelId(Fixture.MODEL)
            .messages(Fixture.user("weather in Paris?"))
            .toolConfig(BedrockConverseTest.toolRequest().toolConfig())
            .build();

    Fixture.stream(fx.tracedAsync, request);

    ObjectNode row = fx.row("bedrock.converse-stream");
    JsonNode block = row.path("output").get(0).path("content").get(0);
    assertThat(block.path("type").asText()).isEqualTo("tool_use");
    assertThat(block.path("toolUse").path("name").asText()).isEqualTo("get_weather");
    assertThat(block.path("toolUse").path("toolUseId").asText()).startsWith("tooluse_");
    assertThat(block.path("toolUse").path("input"))
        .isEqualTo(BedrockConverseTest.json("{\"city\":\"Paris\",\"days\":2}"));
    assertThat(row.path("metadata").path("tools").get(0).path("function").path("name").asText())
        .isEqualTo("get_weather");
    assertThat(row.path("metrics").has("time_to_first_token")).isTrue();
  }

  @Test
  void wrappedStreamsSendByteIdenticalRequestsAndDeliverEqualEvents() throws Exception {
    fx.server.scriptModelReply("same words here");
    Fixture.Seen plain = Fixture.stream(fx.plainAsync, Fixture.streamRequest("hi"));
    fx.server.scriptModelReply("same words here");
    Fixture.Seen traced = Fixture.stream(fx.tracedAsync, Fixture.streamRequest("hi"));

    assertThat(traced.events).isEqualTo(plain.events);
    List<RecordedRequest> sent = fx.server.requests("/model/");
    BedrockConverseTest.assertSameWire(sent.get(1), sent.get(0));
  }

  @Test
  void anExceptionInTheStreamReachesTheCallerUnchangedAndTheSpanKeepsThePartialReply()
      throws Exception {
    String script =
        "[{\"event\":\"messageStart\",\"payload\":{\"role\":\"assistant\"}},"
            + "{\"event\":\"contentBlockDelta\",\"payload\":{\"contentBlockIndex\":0,"
            + "\"delta\":{\"text\":\"Partial \"}}},"
            + "{\"exception\":\"validationException\",\"payload\":{\"message\":\"Bad input\"}}]";
    fx.server.scriptModelResponse(EventStreamFrames.CONTENT_TYPE, script);
    Throwable plain = failure(fx.plainAsync);
    fx.server.scriptModelResponse(EventStreamFrames.CONTENT_TYPE, script);
    Throwable traced = failure(fx.tracedAsync);

    assertThat(traced).isInstanceOf(ValidationException.class);
    assertThat(traced.getClass()).isEqualTo(plain.getClass());
    assertThat(traced.getMessage()).isEqualTo(plain.getMessage());
    // The SDK fails the caller's future and then tells the interceptor: wait for the span.
    ObjectNode row = fx.awaitRow("bedrock.converse-stream");
    assertThat(row.path("error").asText()).contains("Bad input");
    assertThat(row.path("output").get(0).path("content").get(0).path("text").asText())
        .isEqualTo("Partial ");
  }

  @Test
  void aThrottledStreamIsRetriedByTheSdkAndTheSpanHoldsTheReplyOfTheAttemptThatSucceeded()
      throws Exception {
    fx.server.scriptModelResponse(
        EventStreamFrames.CONTENT_TYPE,
        "[{\"event\":\"messageStart\",\"payload\":{\"role\":\"assistant\"}},"
            + "{\"event\":\"contentBlockDelta\",\"payload\":{\"contentBlockIndex\":0,"
            + "\"delta\":{\"text\":\"lost \"}}},"
            + "{\"exception\":\"throttlingException\",\"payload\":{\"message\":\"slow down\"}}]");
    fx.server.scriptModelReply("second attempt");

    Fixture.stream(fx.tracedAsync, Fixture.streamRequest("x"));

    assertThat(fx.server.requests("/model/")).hasSize(2);
    ObjectNode row = fx.row("bedrock.converse-stream");
    assertThat(row.has("error")).isFalse();
    assertThat(row.path("output").get(0).path("content").get(0).path("text").asText())
        .isEqualTo("second attempt");
  }

  /** The stream's failure as the future gives it (its cause). */
  private static Throwable failure(BedrockRuntimeAsyncClient client) {
    Fixture.Seen seen = new Fixture.Seen();
    CompletableFuture<Void> call = client.converseStream(Fixture.streamRequest("x"), seen.handler);
    Throwable t = catchThrowable(() -> call.get(30, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    return t.getCause();
  }

  @Test
  void aCallerCancellingTheEventStreamEndsTheSpanAsCancelledWithWhatArrived() throws Exception {
    fx.server.sseEventDelay(Duration.ofMillis(50));
    fx.server.scriptModelReply("one two three four five six seven eight nine ten");
    CompletableFuture<ConverseStreamOutput> first = new CompletableFuture<>();
    ConverseStreamResponseHandler handler =
        ConverseStreamResponseHandler.builder()
            .onEventStream(
                events ->
                    events.subscribe(
                        new Subscriber<ConverseStreamOutput>() {
                          private Subscription subscription;

                          @Override
                          public void onSubscribe(Subscription s) {
                            subscription = s;
                            s.request(2);
                          }

                          @Override
                          public void onNext(ConverseStreamOutput event) {
                            if (event.sdkEventType() != null
                                && event.sdkEventType().toString().equals("contentBlockDelta")) {
                              subscription.cancel();
                              first.complete(event);
                            }
                          }

                          @Override
                          public void onError(Throwable t) {
                            first.completeExceptionally(t);
                          }

                          @Override
                          public void onComplete() {}
                        }))
            .build();

    CompletableFuture<Void> call =
        fx.tracedAsync.converseStream(Fixture.streamRequest("x"), handler);
    first.get(30, TimeUnit.SECONDS);
    catchThrowable(() -> call.get(30, TimeUnit.SECONDS));

    ObjectNode row = fx.awaitRow("bedrock.converse-stream");
    assertThat(row.path("metadata").path("cancelled").asBoolean()).isTrue();
    assertThat(row.has("error")).isFalse();
    assertThat(row.path("output").get(0).path("content").get(0).path("text").asText())
        .startsWith("one ");
  }
}

package dev.braintrust.reactive.instrumentation.openai;

import static dev.braintrust.reactive.instrumentation.openai.ResponsesTracingTest.SPAN;
import static dev.braintrust.reactive.instrumentation.openai.ResponsesTracingTest.ask;
import static dev.braintrust.reactive.instrumentation.openai.ResponsesTracingTest.json;
import static dev.braintrust.reactive.instrumentation.openai.ResponsesTracingTest.weatherTool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.models.Reasoning;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.testkit.OpenAiResponsesStream;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streamed Responses API calls ({@code createStreaming}, sync and async) over the testkit's SSE
 * {@code /v1/responses}: the row equals the one the same response returned whole would give, plus
 * the time to the first token; early close, failures, tool calls and reasoning summaries.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class ResponsesStreamingTest {

  private static List<ResponseStreamEvent> readAll(StreamResponse<ResponseStreamEvent> s) {
    try (s) {
      return s.stream().toList();
    }
  }

  private static Response completed(List<ResponseStreamEvent> events) {
    return events.get(events.size() - 1).asCompleted().response();
  }

  @Test
  void aStreamReadToTheEndGivesTheWholeResponsesRowAndTheFirstTokenTime(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("one two three");
      List<ResponseStreamEvent> events =
          readAll(f.traced.responses().createStreaming(ask("count").build()));
      Response response = completed(events);

      ObjectNode row = f.row(SPAN);
      assertThat(row.at("/input/0/content").asText()).isEqualTo("count");
      assertThat(row.at("/output")).isEqualTo(json(response.output()));
      assertThat(row.at("/output/0/content/0/text").asText()).isEqualTo("one two three");
      assertThat(row.at("/metadata/model").asText()).isEqualTo("gpt-4.1-mini");
      assertThat(row.at("/metrics/tokens").asLong())
          .isEqualTo(response.usage().orElseThrow().totalTokens());
      double ttft = row.at("/metrics/time_to_first_token").asDouble();
      double duration = row.at("/metrics/end").asDouble() - row.at("/metrics/start").asDouble();
      assertThat(ttft).isPositive().isLessThanOrEqualTo(duration + 1e-3);
      assertThat(row.has("error")).isFalse();
      assertThat(row.at("/metadata").has("cancelled")).isFalse();
    }
  }

  @Test
  void aStreamedReasoningAnswerRecordsItsSummaryAndReasoningTokens(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ResponseCreateParams params =
          ask("why")
              .model("o4-mini")
              .reasoning(Reasoning.builder().summary(Reasoning.Summary.AUTO).build())
              .build();
      List<ResponseStreamEvent> events = readAll(f.traced.responses().createStreaming(params));

      assertThat(events.stream().filter(ResponseStreamEvent::isReasoningSummaryTextDelta))
          .isNotEmpty();
      ObjectNode row = f.row(SPAN);
      assertThat(row.at("/output/0/type").asText()).isEqualTo("reasoning");
      assertThat(row.at("/output/0/summary/0/text").asText()).isEqualTo("Thinking about: why");
      assertThat(row.at("/output")).isEqualTo(json(completed(events).output()));
      assertThat(row.at("/metrics/completion_reasoning_tokens").asLong()).isPositive();
    }
  }

  @Test
  void aStreamedFunctionCallIsRecordedWithItsJoinedArguments(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelToolCall("get_weather", "{\"city\":\"Bergen\"}");
      List<ResponseStreamEvent> events =
          readAll(
              f.traced.responses().createStreaming(ask("weather?").addTool(weatherTool()).build()));

      assertThat(events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDelta))
          .hasSize(2);
      ObjectNode row = f.row(SPAN);
      assertThat(row.at("/output/0/type").asText()).isEqualTo("function_call");
      assertThat(row.at("/output/0/arguments").asText()).isEqualTo("{\"city\":\"Bergen\"}");
      assertThat(row.at("/metadata/tools/0/function/name").asText()).isEqualTo("get_weather");
      assertThat(row.at("/metrics").has("time_to_first_token")).isTrue();
    }
  }

  @Test
  void anAsyncStreamIsTracedBeforeTheHandlerHearsTheEnd(BraintrustTestServer server)
      throws Exception {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("async words here");
      List<ResponseStreamEvent> seen = new CopyOnWriteArrayList<>();
      AsyncStreamResponse<ResponseStreamEvent> stream =
          f.traced.async().responses().createStreaming(ask("go").build());
      stream.subscribe(
          new AsyncStreamResponse.Handler<>() {
            @Override
            public void onNext(ResponseStreamEvent e) {
              seen.add(e);
            }

            @Override
            public void onComplete(Optional<Throwable> error) {}
          });
      stream.onCompleteFuture().get(30, TimeUnit.SECONDS);

      ObjectNode row = f.row(SPAN);
      assertThat(row.at("/output")).isEqualTo(json(completed(seen).output()));
      assertThat(row.at("/output/0/content/0/text").asText()).isEqualTo("async words here");
      assertThat(row.at("/metrics").has("time_to_first_token")).isTrue();
    }
  }

  @Test
  void closingAStreamHalfWayEndsTheSpanAsCancelledWithTheTextSoFar(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("one two three four five six seven eight");
      server.sseEventDelay(Duration.ofMillis(100));
      String first;
      try (StreamResponse<ResponseStreamEvent> s =
          f.traced.responses().createStreaming(ask("count").build())) {
        Iterator<ResponseStreamEvent> it = s.stream().iterator();
        ResponseStreamEvent e = it.next();
        while (!e.isOutputTextDelta()) {
          e = it.next();
        }
        first = e.asOutputTextDelta().delta();
      }

      assertThat(first).isEqualTo("one ");
      ObjectNode row = f.row(SPAN);
      assertThat(row.at("/metadata/cancelled").asBoolean()).isTrue();
      assertThat(row.at("/output/0/type").asText()).isEqualTo("message");
      assertThat(row.at("/output/0/status").asText()).isEqualTo("in_progress");
      assertThat(row.at("/output/0/content/0/text").asText()).isEqualTo("one ");
      assertThat(row.at("/metrics").has("time_to_first_token")).isTrue();
      assertThat(row.at("/metrics").has("tokens")).isFalse();
    }
  }

  @Test
  void closingAnAsyncStreamEndsTheSpanAsCancelled(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("one two three four five six seven eight");
      server.sseEventDelay(Duration.ofMillis(200));
      AsyncStreamResponse<ResponseStreamEvent> stream =
          f.traced.async().responses().createStreaming(ask("count").build());
      stream.close();

      ObjectNode row = f.row(SPAN);
      assertThat(row.at("/metadata/cancelled").asBoolean()).isTrue();
      assertThat(row.has("error")).isFalse();
    }
  }

  @Test
  void aStreamThatFailsToStartIsAnErrorSpanAndTheSameException(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      Fault fault = Fault.status(500).onPathContaining("/responses");
      server.faults().enqueue(fault, fault);
      ResponseCreateParams params = ask("x").build();

      Throwable plain =
          catchThrowable(() -> f.raw.responses().createStreaming(params).stream().count());
      Throwable traced =
          catchThrowable(() -> f.traced.responses().createStreaming(params).stream().count());

      assertThat(traced).isInstanceOf(InternalServerException.class).hasMessage(plain.getMessage());
      ObjectNode row = f.row(SPAN);
      assertThat(row.get("error").asText()).contains("InternalServerException");
    }
  }

  @Test
  void aWrappedStreamSendsTheSameBytesAndYieldsEqualEvents(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      String whole =
          "{\"id\":\"resp_same\",\"object\":\"response\",\"created_at\":1,\"status\":\"completed\","
              + "\"model\":\"gpt-4.1-mini-2025-04-14\",\"output\":[{\"id\":\"msg_1\",\"type\":\"message\","
              + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
              + "\"annotations\":[],\"text\":\"Same words.\"}]}],"
              + "\"usage\":{\"input_tokens\":3,\"output_tokens\":2,\"total_tokens\":5}}";
      String sse = OpenAiResponsesStream.sse(whole);
      server.scriptModelResponse("text/event-stream", sse);
      server.scriptModelResponse("text/event-stream", sse);
      ResponseCreateParams params = ask("same?").temperature(0.5).build();

      List<JsonNode> plain =
          readAll(f.raw.responses().createStreaming(params)).stream()
              .map(ResponsesTracingTest::json)
              .toList();
      List<ResponseStreamEvent> tracedEvents =
          readAll(f.traced.responses().createStreaming(params));
      List<JsonNode> traced = tracedEvents.stream().map(ResponsesTracingTest::json).toList();

      assertThat(traced).isEqualTo(plain);
      List<RecordedRequest> sent = server.requests("/responses");
      assertThat(sent).hasSize(2);
      assertThat(sent.get(1).body()).isEqualTo(sent.get(0).body());
      assertThat(sent.get(1).json().path("stream").asBoolean()).isTrue();
      assertThat(sent.get(1).headers()).isEqualTo(sent.get(0).headers());
      assertThat(f.row(SPAN).at("/output")).isEqualTo(json(completed(tracedEvents).output()));
    }
  }
}

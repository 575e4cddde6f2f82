package dev.braintrust.reactive.instrumentation.gemini;

import static dev.braintrust.reactive.instrumentation.gemini.Fixture.MODEL;
import static dev.braintrust.reactive.instrumentation.gemini.Fixture.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.GenerateContentResponse;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streamed calls ({@code streamGenerateContent?alt=sse}), blocking and async. */
@ExtendWith(BraintrustTestServerExtension.class)
class GeminiStreamingTest {

  private static List<String> texts(ResponseStream<GenerateContentResponse> stream) {
    List<String> out = new ArrayList<>();
    try (stream) {
      for (GenerateContentResponse r : stream) {
        out.add(r.text());
      }
    }
    return out;
  }

  @Test
  void aStreamIsFoldedIntoOneResponseWithUsageAndTimeToFirstToken(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("one two three");
      List<String> pieces =
          texts(f.traced.models.generateContentStream(MODEL, "count please", null));
      assertThat(pieces).containsExactly("one ", "two ", "three");

      ObjectNode row = f.row("generate_content_stream");
      assertThat(row.path("span_attributes").path("type").asText()).isEqualTo("llm");
      ObjectNode candidate = (ObjectNode) row.path("output").path("candidates").get(0);
      assertThat(candidate.path("content"))
          .isEqualTo(Fixture.json("{\"parts\":[{\"text\":\"one two three\"}],\"role\":\"model\"}"));
      assertThat(candidate.path("finishReason").asText()).isEqualTo("STOP");
      assertThat(row.path("output").path("candidates")).hasSize(1);
      assertThat(row.path("metadata").path("model").asText()).isEqualTo(MODEL);
      assertThat(row.path("metrics").path("prompt_tokens").asInt()).isEqualTo(2);
      assertThat(row.path("metrics").path("completion_tokens").asInt()).isEqualTo(3);
      assertThat(row.path("metrics").path("tokens").asInt()).isEqualTo(5);
      assertThat(row.path("metrics").path("time_to_first_token").asDouble()).isPositive();
      assertThat(row.path("metadata").has("cancelled")).isFalse();
    }
  }

  @Test
  void anAsyncStreamIsTracedTheSameWay(BraintrustTestServer server) throws Exception {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("async streamed words");
      CompletableFuture<ResponseStream<GenerateContentResponse>> future =
          f.traced.async.models.generateContentStream(MODEL, "go", null);
      List<String> pieces = texts(future.get(T.toSeconds(), TimeUnit.SECONDS));
      assertThat(String.join("", pieces)).isEqualTo("async streamed words");
      ObjectNode row = f.row("generate_content_stream");
      assertThat(row.path("output").path("candidates").get(0).path("content").path("parts"))
          .isEqualTo(Fixture.json("[{\"text\":\"async streamed words\"}]"));
      assertThat(row.path("metrics").has("time_to_first_token")).isTrue();
    }
  }

  @Test
  void aStreamedToolCallIsRecordedAsItsFunctionCallPart(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelToolCall("lookup", "{\"q\":\"x\"}");
      List<GenerateContentResponse> chunks = new ArrayList<>();
      try (ResponseStream<GenerateContentResponse> s =
          f.traced.models.generateContentStream(MODEL, "find x", null)) {
        s.forEach(chunks::add);
      }
      assertThat(chunks.get(0).toJson()).contains("\"functionCall\"", "\"lookup\"");
      ObjectNode row = f.row("generate_content_stream");
      assertThat(row.path("output").path("candidates").get(0).path("content").path("parts"))
          .isEqualTo(
              Fixture.json("[{\"functionCall\":{\"name\":\"lookup\",\"args\":{\"q\":\"x\"}}}]"));
      assertThat(row.path("metrics").has("time_to_first_token")).isTrue();
    }
  }

  @Test
  void closingAStreamHalfWayEndsTheSpanAsCancelledWithWhatHadArrived(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.sseEventDelay(Duration.ofMillis(200));
      server.scriptModelReply("a b c d e f g h i j k l m n o p");
      try (ResponseStream<GenerateContentResponse> s =
          f.traced.models.generateContentStream(MODEL, "letters", null)) {
        Iterator<GenerateContentResponse> it = s.iterator();
        assertThat(it.next().text()).isEqualTo("a ");
      }
      ObjectNode row = f.row("generate_content_stream");
      assertThat(row.path("metadata").path("cancelled").asBoolean()).isTrue();
      String text =
          row.path("output")
              .path("candidates")
              .get(0)
              .path("content")
              .path("parts")
              .get(0)
              .path("text")
              .asText();
      assertThat(text).startsWith("a ");
      assertThat(text).isNotEqualTo("a b c d e f g h i j k l m n o p");
      assertThat(row.has("error") && !row.get("error").isNull()).isFalse();
    }
  }

  /**
   * The SDK's async future does not pass a cancel on to the call: the response still arrives, and
   * the SDK may read it or drop it unread. Either way the span must end rather than stay open.
   */
  @Test
  void cancellingTheAsyncFutureStillEndsTheSpan(BraintrustTestServer server) throws Exception {
    try (Fixture f = new Fixture(server)) {
      server.faults().enqueue(Fault.delay(Duration.ofSeconds(1)).onPathContaining(":generate"));
      CompletableFuture<GenerateContentResponse> future =
          f.traced.async.models.generateContent(MODEL, "slow", null);
      assertThat(future.cancel(true)).isTrue();
      long deadline = System.nanoTime() + T.toNanos();
      List<ObjectNode> rows = List.of();
      while (rows.isEmpty() && System.nanoTime() < deadline) {
        System.gc();
        Thread.onSpinWait();
        rows =
            f.rows().stream()
                .filter(
                    r -> r.path("span_attributes").path("name").asText().equals("generate_content"))
                .toList();
      }
      assertThat(rows).hasSize(1);
      // Either the SDK still read the answer (the call did complete) or it was dropped unread.
      ObjectNode row = rows.get(0);
      assertThat(
              row.path("metadata").path("cancelled").asBoolean()
                  || row.path("output").path("candidates").size() == 1)
          .as("row %s", row)
          .isTrue();
    }
  }

  @Test
  void aStreamThatFailsBeforeItStartsRethrowsTheSdksErrorAndRecordsIt(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.faults().enqueue(Fault.status(429).onPathContaining(":streamGenerateContent"));
      Throwable error =
          catchThrowable(() -> texts(f.traced.models.generateContentStream(MODEL, "x", null)));
      assertThat(error).isInstanceOf(ApiException.class);
      assertThat(((ApiException) error).code()).isEqualTo(429);
      assertThat(f.row("generate_content_stream").path("error").asText()).contains("429");
    }
  }
}

package dev.braintrust.reactive.instrumentation.gemini;

import static dev.braintrust.reactive.instrumentation.gemini.Fixture.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.Part;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A wrapped client sends the same bytes to the same place and hands back equal responses: each call
 * is made once plainly and once traced against the same canned answer, and the two requests the
 * server recorded, and the two responses the caller got, are compared.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class WireIdentityTest {
  private static final String WHOLE =
      "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Bonjour\"}],\"role\":\"model\"},"
          + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3,"
          + "\"candidatesTokenCount\":1,\"totalTokenCount\":4,\"thoughtsTokenCount\":0},"
          + "\"modelVersion\":\"gemini-test-001\",\"responseId\":\"fixed\"}";
  private static final String STREAM =
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Bon\"}],\"role\":\"model\"},"
          + "\"index\":0}],\"modelVersion\":\"gemini-test-001\",\"responseId\":\"s\"}\n\n"
          + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"jour\"}],\"role\":\"model\"},"
          + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3,"
          + "\"candidatesTokenCount\":2,\"totalTokenCount\":5},\"modelVersion\":\"gemini-test-001\","
          + "\"responseId\":\"s\"}\n\n";

  private static GenerateContentConfig config() {
    return GenerateContentConfig.builder()
        .temperature(0.2f)
        .maxOutputTokens(32)
        .systemInstruction(Content.fromParts(Part.fromText("answer in French")))
        .build();
  }

  /** Runs {@code call} plainly then traced; returns both results and checks both requests. */
  private static <T> List<T> both(
      Fixture f, String contentType, String body, Function<Client, T> call) {
    List<T> out = new ArrayList<>();
    for (Client c : List.of(f.plain, f.traced)) {
      f.server.scriptModelResponse(contentType, body);
      out.add(call.apply(c));
    }
    List<RecordedRequest> sent = f.server.requests("/models/");
    assertThat(sent).hasSize(2);
    RecordedRequest plain = sent.get(0);
    RecordedRequest traced = sent.get(1);
    assertThat(traced.method()).isEqualTo(plain.method());
    assertThat(traced.path()).isEqualTo(plain.path());
    assertThat(traced.query()).isEqualTo(plain.query());
    assertThat(traced.body()).isEqualTo(plain.body());
    assertThat(traced.header("content-type")).isEqualTo(plain.header("content-type"));
    assertThat(traced.header("x-goog-api-key")).isEqualTo(plain.header("x-goog-api-key"));
    assertThat(traced.header("x-goog-api-client")).isEqualTo(plain.header("x-goog-api-client"));
    f.server.reset();
    return out;
  }

  @Test
  void aWholeCallSendsTheSameBytesAndReturnsAnEqualResponse(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      List<GenerateContentResponse> r =
          both(f, "application/json", WHOLE, c -> c.models.generateContent(MODEL, "hi", config()));
      assertThat(r.get(1).toJson()).isEqualTo(r.get(0).toJson());
      List<GenerateContentResponse> a =
          both(
              f,
              "application/json",
              WHOLE,
              c -> c.async.models.generateContent(MODEL, "hi", config()).join());
      assertThat(a.get(1).toJson()).isEqualTo(a.get(0).toJson());
    }
  }

  @Test
  void aStreamSendsTheSameBytesAndYieldsEqualChunks(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      List<List<String>> r =
          both(
              f,
              "text/event-stream",
              STREAM,
              c -> chunks(c.models.generateContentStream(MODEL, "hi", config())));
      assertThat(r.get(0)).hasSize(2);
      assertThat(r.get(1)).isEqualTo(r.get(0));
      List<List<String>> a =
          both(
              f,
              "text/event-stream",
              STREAM,
              c -> chunks(c.async.models.generateContentStream(MODEL, "hi", config()).join()));
      assertThat(a.get(1)).isEqualTo(a.get(0));
    }
  }

  private static List<String> chunks(ResponseStream<GenerateContentResponse> stream) {
    List<String> out = new ArrayList<>();
    try (stream) {
      stream.forEach(r -> out.add(r.toJson()));
    }
    return out;
  }
}

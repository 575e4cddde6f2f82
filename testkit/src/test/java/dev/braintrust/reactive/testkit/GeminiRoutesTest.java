package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server speaks the Gemini API's model routes, whole, streamed and embeddings. */
@ExtendWith(BraintrustTestServerExtension.class)
class GeminiRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "/v1beta/models/gemini-test";
  private static final String HELLO =
      "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hello there\"}]}],"
          + "\"systemInstruction\":{\"parts\":[{\"text\":\"be brief\"}]}}";

  private static RawHttp.Response post(BraintrustTestServer server, String path, String body) {
    return post(server, path, body, server.apiKey());
  }

  private static RawHttp.Response post(
      BraintrustTestServer server, String path, String body, String key) {
    return new RawHttp(server)
        .send(
            HttpMethod.POST,
            path,
            body.getBytes(StandardCharsets.UTF_8),
            Map.of("x-goog-api-key", key, "content-type", "application/json"),
            false);
  }

  @Test
  void answersAWholeResponseWithUsageInWords(BraintrustTestServer server) {
    RawHttp.Response res = post(server, BASE + ":generateContent", HELLO);
    assertThat(res.status()).isEqualTo(200);
    JsonNode r = res.json();
    JsonNode c = r.path("candidates").get(0);
    assertThat(c.path("content").path("role").asText()).isEqualTo("model");
    assertThat(c.path("content").path("parts").get(0).path("text").asText())
        .isEqualTo("echo: hello there");
    assertThat(c.path("finishReason").asText()).isEqualTo("STOP");
    assertThat(r.path("modelVersion").asText()).isEqualTo("gemini-test");
    assertThat(r.path("usageMetadata").path("promptTokenCount").asInt()).isEqualTo(4);
    assertThat(r.path("usageMetadata").path("candidatesTokenCount").asInt()).isEqualTo(3);
    assertThat(r.path("usageMetadata").path("totalTokenCount").asInt()).isEqualTo(7);
  }

  @Test
  void streamsOneWordPerServerSentEventWithTheFinishReasonLast(BraintrustTestServer server) {
    server.scriptModelReply("one two three");
    RawHttp.Response res = post(server, BASE + ":streamGenerateContent?alt=sse", HELLO);
    assertThat(res.status()).isEqualTo(200);
    List<JsonNode> chunks = new ArrayList<>();
    for (String line : res.text().split("\n")) {
      if (line.startsWith("data:")) {
        chunks.add(parse(line.substring(5).strip()));
      }
    }
    assertThat(chunks)
        .extracting(ch -> ch.at("/candidates/0/content/parts/0/text").asText())
        .containsExactly("one ", "two ", "three");
    assertThat(chunks.get(2).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    assertThat(chunks.get(0).at("/candidates/0/finishReason").isMissingNode()).isTrue();
    assertThat(chunks.get(2).at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(3);
  }

  @Test
  void aScriptedToolCallIsOneFunctionCallPart(BraintrustTestServer server) {
    server.scriptModelToolCall("get_weather", "{\"city\":\"Paris\"}");
    RawHttp.Response res = post(server, BASE + ":generateContent", HELLO);
    assertThat(res.json().at("/candidates/0/content/parts/0/functionCall"))
        .isEqualTo(parse("{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}}"));
  }

  @Test
  void embedsOneOrABatchOfContents(BraintrustTestServer server) {
    RawHttp.Response one =
        post(server, BASE + ":embedContent", "{\"content\":{\"parts\":[{\"text\":\"hi\"}]}}");
    assertThat(one.json().at("/embedding/values")).hasSize(4);
    RawHttp.Response batch =
        post(
            server,
            BASE + ":batchEmbedContents",
            "{\"requests\":[{\"model\":\"models/gemini-test\",\"content\":{\"parts\":[{\"text\":\"a\"}]}},"
                + "{\"model\":\"models/gemini-test\",\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}");
    assertThat(batch.json().path("embeddings")).hasSize(2);
  }

  @Test
  void refusesABadBodyInGooglesErrorShape(BraintrustTestServer server) {
    RawHttp.Response res = post(server, BASE + ":generateContent", "{\"contents\":[]}");
    assertThat(res.status()).isEqualTo(400);
    assertThat(res.json().at("/error/code").asInt()).isEqualTo(400);
    assertThat(res.json().at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(res.json().at("/error/message").asText()).contains("contents");
  }

  @Test
  void refusesAWrongKey(BraintrustTestServer server) {
    RawHttp.Response res = post(server, BASE + ":generateContent", HELLO, "wrong");
    assertThat(res.status()).isEqualTo(401);
  }

  private static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

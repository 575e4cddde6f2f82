package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The AI proxy speaks the Anthropic Messages format at /v1/proxy/v1/messages, whole and streamed.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class AnthropicRoutesTest {
  private static final String PATH = "/v1/proxy/v1/messages";

  /** A Server-Sent Event as read off the wire. */
  record Sse(String event, JsonNode data) {}

  private static RawHttp.Response post(BraintrustTestServer server, String body) {
    // Most Anthropic clients send the key as x-api-key rather than as a Bearer token.
    return new RawHttp(server)
        .send(
            HttpMethod.POST,
            PATH,
            body.getBytes(StandardCharsets.UTF_8),
            Map.of(
                "x-api-key",
                server.apiKey(),
                "anthropic-version",
                "2023-06-01",
                "content-type",
                "application/json"),
            false);
  }

  @Test
  void answersAWholeMessageWithUsageInWords(BraintrustTestServer server) {
    RawHttp.Response res =
        post(
            server,
            "{\"model\":\"claude-test\",\"max_tokens\":64,"
                + "\"system\":\"be brief\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}");

    assertThat(res.status()).isEqualTo(200);
    JsonNode m = res.json();
    assertThat(m.get("id").asText()).startsWith("msg_");
    assertThat(m.get("type").asText()).isEqualTo("message");
    assertThat(m.get("role").asText()).isEqualTo("assistant");
    assertThat(m.get("model").asText()).isEqualTo("claude-test");
    assertThat(m.get("content")).hasSize(1);
    assertThat(m.get("content").get(0).get("type").asText()).isEqualTo("text");
    assertThat(m.get("content").get(0).get("text").asText()).isEqualTo("echo: hello there");
    assertThat(m.get("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(m.get("usage").get("input_tokens").asInt()).isEqualTo(4);
    assertThat(m.get("usage").get("output_tokens").asInt()).isEqualTo(3);
    assertThat(m.get("usage").get("cache_read_input_tokens").asInt()).isZero();
  }

  @Test
  void blocksMarkedForCachingCountAsCacheReadsAndScriptedRepliesWin(BraintrustTestServer server) {
    server.scriptModelReply("scripted answer");
    RawHttp.Response res =
        post(
            server,
            "{\"model\":\"c\",\"max_tokens\":8,\"system\":[{\"type\":\"text\","
                + "\"text\":\"a long cached preamble\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}");

    assertThat(res.json().get("content").get(0).get("text").asText()).isEqualTo("scripted answer");
    assertThat(res.json().get("usage").get("input_tokens").asInt()).isEqualTo(1);
    assertThat(res.json().get("usage").get("cache_read_input_tokens").asInt()).isEqualTo(4);
  }

  @Test
  void streamsNamedEventsInTheApiOrder(BraintrustTestServer server) {
    RawHttp.Response res =
        post(
            server,
            "{\"model\":\"c\",\"max_tokens\":8,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"one two\"}]}");

    assertThat(res.status()).isEqualTo(200);
    assertThat(res.headers().get("content-type")).startsWith("text/event-stream");
    List<Sse> events = parse(res.text());
    assertThat(events)
        .extracting(Sse::event)
        .containsExactly(
            "message_start",
            "content_block_start",
            "ping",
            "content_block_delta",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop");
    assertThat(events)
        .allSatisfy(e -> assertThat(e.data().get("type").asText()).isEqualTo(e.event()));
    JsonNode start = events.get(0).data().get("message");
    assertThat(start.get("content")).isEmpty();
    assertThat(start.get("usage").get("input_tokens").asInt()).isEqualTo(2);
    StringBuilder text = new StringBuilder();
    events.stream()
        .filter(e -> e.event().equals("content_block_delta"))
        .forEach(
            e -> {
              assertThat(e.data().get("delta").get("type").asText()).isEqualTo("text_delta");
              text.append(e.data().get("delta").get("text").asText());
            });
    assertThat(text).hasToString("echo: one two");
    JsonNode delta = events.get(7).data();
    assertThat(delta.get("delta").get("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(delta.get("usage").get("output_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void aForcedToolIsCalledWholeAndAsJsonDeltas(BraintrustTestServer server) {
    String tools =
        "\"tools\":[{\"name\":\"weather\",\"input_schema\":{\"type\":\"object\","
            + "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}],"
            + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"weather\"},";
    String body =
        "{\"model\":\"c\",\"max_tokens\":8,"
            + tools
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Paris\"}]";

    JsonNode whole = post(server, body + "}").json();
    List<Sse> streamed = parse(post(server, body + ",\"stream\":true}").text());

    JsonNode use = whole.get("content").get(0);
    assertThat(use.get("type").asText()).isEqualTo("tool_use");
    assertThat(use.get("id").asText()).startsWith("toolu_");
    assertThat(use.get("name").asText()).isEqualTo("weather");
    assertThat(use.get("input").get("city").asText()).isEqualTo("Paris");
    assertThat(whole.get("stop_reason").asText()).isEqualTo("tool_use");
    assertThat(streamed.get(1).data().get("content_block").get("type").asText())
        .isEqualTo("tool_use");
    StringBuilder args = new StringBuilder();
    streamed.stream()
        .filter(e -> e.event().equals("content_block_delta"))
        .forEach(e -> args.append(e.data().get("delta").get("partial_json").asText()));
    assertThat(args).hasToString("{\"city\":\"Paris\"}");
  }

  @Test
  void badBodiesGetAnthropicStyle400s(BraintrustTestServer server) {
    String user = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    assertError(post(server, "{\"model\":\"c\"," + user + "}"), "max_tokens: Field required");
    assertError(
        post(server, "{\"model\":\"c\",\"max_tokens\":0," + user + "}"),
        "max_tokens: Input should be greater than or equal to 1");
    assertError(
        post(server, "{\"model\":\"c\",\"max_tokens\":5,\"messages\":[]}"),
        "messages: at least one message is required");
    assertError(
        post(
            server,
            "{\"model\":\"c\",\"max_tokens\":5,"
                + "\"messages\":[{\"role\":\"human\",\"content\":\"hi\"}]}"),
        "messages.0.role: Input should be 'user', 'assistant' or 'system'");
    assertError(
        post(server, "{\"model\":\"c\",\"max_tokens\":5,\"stream\":\"yes\"," + user + "}"),
        "stream: Input should be a valid boolean");
    assertError(
        post(server, "{\"model\":\"c\",\"max_tokens\":5,\"temperature\":3," + user + "}"),
        "temperature: Input should be a number between 0 and 1");
  }

  @Test
  void theXApiKeyHeaderIsCheckedAndOnlyTakenOnTheProxy(BraintrustTestServer server) {
    RawHttp http = new RawHttp(server);
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

    RawHttp.Response wrongKey =
        http.send(HttpMethod.POST, PATH, body, Map.of("x-api-key", "nope"), false);
    RawHttp.Response notProxy =
        http.send(
            HttpMethod.POST, "/v1/project", body, Map.of("x-api-key", server.apiKey()), false);

    assertThat(wrongKey.status()).isEqualTo(401);
    assertThat(notProxy.status()).isEqualTo(401);
  }

  private static void assertError(RawHttp.Response res, String message) {
    assertThat(res.status()).isEqualTo(400);
    assertThat(res.json().get("type").asText()).isEqualTo("error");
    assertThat(res.json().get("error").get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(res.json().get("error").get("message").asText()).isEqualTo(message);
  }

  private static List<Sse> parse(String text) {
    List<Sse> out = new ArrayList<>();
    for (String frame : text.split("\n\n")) {
      String event = null;
      String data = null;
      for (String line : frame.split("\n")) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if (data != null) {
        try {
          out.add(new Sse(event, RawHttp.MAPPER.readTree(data)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return out;
  }
}

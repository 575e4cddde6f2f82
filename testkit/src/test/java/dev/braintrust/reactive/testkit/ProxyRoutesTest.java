package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The AI proxy checks the shapes the spec gives ChatCompletionRequest and embeddings bodies. */
@ExtendWith(BraintrustTestServerExtension.class)
class ProxyRoutesTest {

  @Test
  void chatMessagesNeedARoleTheSpecKnows(BraintrustTestServer server) {
    RawHttp http = new RawHttp(server);

    RawHttp.Response ok =
        http.post(
            "/v1/proxy/chat/completions",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}]}");
    RawHttp.Response human =
        http.post(
            "/v1/proxy/chat/completions",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"human\",\"content\":\"hi\"}]}");
    RawHttp.Response textStream =
        http.post(
            "/v1/proxy/chat/completions",
            "{\"model\":\"m\",\"stream\":\"true\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("choices").get(0).get("message").get("content").asText())
        .isEqualTo("echo: hi");
    assertThat(human.status()).isEqualTo(400);
    assertThat(human.json().get("error").asText())
        .isEqualTo("messages[0].role must be one of system, user, assistant, tool");
    assertThat(textStream.status()).isEqualTo(400);
    assertThat(textStream.json().get("error").asText()).isEqualTo("'stream' must be a boolean");
  }

  @Test
  void chatRequestFieldsHaveTheSpecsTypes(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);
    String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    JdkHttp.Res ok =
        http.post(
            "/v1/proxy/chat/completions",
            "{\"model\":\"m\",\"temperature\":0.2,\"max_tokens\":5,\"tools\":[],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":null}]}");

    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("choices").get(0).get("message").get("content").asText())
        .isEqualTo("echo: hi");
    assertThat(
            http.post(
                    "/v1/proxy/chat/completions",
                    "{\"model\":\"m\",\"temperature\":\"hot\"," + messages + "}")
                .error(400))
        .isEqualTo("'temperature' must be a number");
    assertThat(
            http.post(
                    "/v1/proxy/chat/completions",
                    "{\"model\":\"m\",\"max_tokens\":1.5," + messages + "}")
                .error(400))
        .isEqualTo("'max_tokens' must be an integer");
    assertThat(
            http.post(
                    "/v1/proxy/chat/completions", "{\"model\":\"m\",\"tools\":{}," + messages + "}")
                .error(400))
        .isEqualTo("'tools' must be an array of objects");
    assertThat(
            http.post(
                    "/v1/proxy/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":5}]}")
                .error(400))
        .isEqualTo("messages[0].content must be a string (or an array of content parts)");
    assertThat(http.post("/v1/proxy/chat/completions", "{" + messages + "}").error(400))
        .isEqualTo("'model' and 'messages' are required");
  }

  @Test
  void embeddingsInputIsAStringOrAnArrayOfStrings(BraintrustTestServer server) {
    RawHttp http = new RawHttp(server);

    RawHttp.Response one = http.post("/v1/proxy/embeddings", "{\"model\":\"e\",\"input\":\"a b\"}");
    RawHttp.Response many =
        http.post("/v1/proxy/embeddings", "{\"model\":\"e\",\"input\":[\"a\",\"b\"]}");
    RawHttp.Response tokens =
        http.post("/v1/proxy/embeddings", "{\"model\":\"e\",\"input\":[1,2]}");

    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("data")).hasSize(1);
    assertThat(many.json().get("data")).hasSize(2);
    assertThat(tokens.status()).isEqualTo(400);
    assertThat(tokens.json().get("error").asText())
        .isEqualTo("'input' must be a string or an array of strings");
  }

  @Test
  void streamsCarryCreatedAndWithIncludeUsageTheUsageComesInAChunkWithoutChoices(
      BraintrustTestServer server) {
    RawHttp http = new RawHttp(server);

    List<JsonNode> plain =
        events(
            http.post(
                "/v1/proxy/chat/completions",
                "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}"));
    List<JsonNode> withUsage =
        events(
            http.post(
                "/v1/proxy/chat/completions",
                "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}"));

    assertThat(plain).allSatisfy(c -> assertThat(c.get("created").asLong()).isPositive());
    assertThat(plain.get(plain.size() - 1).get("usage").get("total_tokens").asInt()).isEqualTo(5);
    JsonNode last = withUsage.get(withUsage.size() - 1);
    assertThat(last.get("choices")).isEmpty();
    assertThat(last.get("usage").get("prompt_tokens").asInt()).isEqualTo(2);
    assertThat(last.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
    assertThat(withUsage.subList(0, withUsage.size() - 1))
        .allSatisfy(c -> assertThat(c.has("usage")).isFalse());
    assertThat(
            withUsage.get(withUsage.size() - 2).get("choices").get(0).get("finish_reason").asText())
        .isEqualTo("stop");
  }

  @Test
  void aScriptedToolCallIsAnsweredAsOpenAiToolCallsWholeOrStreamed(BraintrustTestServer server) {
    RawHttp http = new RawHttp(server);
    String request = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]";
    server.scriptModelToolCall("get_weather", "{\"city\":\"Paris\"}");
    server.scriptModelToolCall("get_weather", "{\"city\":\"Rome\"}");

    JsonNode whole = http.post("/v1/proxy/chat/completions", "{" + request + "}").json();
    List<JsonNode> chunks =
        events(http.post("/v1/proxy/chat/completions", "{\"stream\":true," + request + "}"));
    JsonNode after = http.post("/v1/proxy/chat/completions", "{" + request + "}").json();

    JsonNode choice = whole.get("choices").get(0);
    assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(choice.get("message").get("content").isNull()).isTrue();
    JsonNode call = choice.get("message").get("tool_calls").get(0);
    assertThat(call.get("id").asText()).startsWith("call_");
    assertThat(call.get("type").asText()).isEqualTo("function");
    assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
    assertThat(call.get("function").get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");

    StringBuilder args = new StringBuilder();
    for (JsonNode c : chunks) {
      for (JsonNode tc : c.get("choices").get(0).path("delta").path("tool_calls")) {
        args.append(tc.path("function").path("arguments").asText());
      }
    }
    JsonNode firstCall = chunks.get(0).get("choices").get(0).get("delta").get("tool_calls").get(0);
    assertThat(firstCall.get("function").get("name").asText()).isEqualTo("get_weather");
    assertThat(chunks.size()).isGreaterThan(2);
    assertThat(args.toString()).isEqualTo("{\"city\":\"Rome\"}");
    assertThat(chunks.get(chunks.size() - 1).get("choices").get(0).get("finish_reason").asText())
        .isEqualTo("tool_calls");
    assertThat(after.get("choices").get(0).get("message").get("content").asText())
        .isEqualTo("echo: weather?");
  }

  /** The JSON {@code data:} payloads of an event stream, without the closing [DONE]. */
  private static List<JsonNode> events(RawHttp.Response r) {
    assertThat(r.status()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.text().split("\n")) {
      if (line.startsWith("data:") && !line.contains("[DONE]")) {
        try {
          out.add(RawHttp.MAPPER.readTree(line.substring(5).trim()));
        } catch (java.io.IOException e) {
          throw new AssertionError(line, e);
        }
      }
    }
    assertThat(r.text()).contains("[DONE]");
    return out;
  }
}

package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The AI proxy checks the shapes the spec gives ChatCompletionRequest and embeddings bodies. */
@ExtendWith(BraintrustTestServerExtension.class)
class ProxyRoutesTest {

  @Test
  void chatMessagesNeedARoleTheSpecKnows(BraintrustTestServer server) {
    RawHttp http = new RawHttp(server);

    RawHttp.Response ok = http.post("/v1/proxy/chat/completions",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}]}");
    RawHttp.Response human = http.post("/v1/proxy/chat/completions",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"human\",\"content\":\"hi\"}]}");
    RawHttp.Response textStream = http.post("/v1/proxy/chat/completions",
        "{\"model\":\"m\",\"stream\":\"true\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("choices").get(0).get("message").get("content").asText()).isEqualTo("echo: hi");
    assertThat(human.status()).isEqualTo(400);
    assertThat(human.json().get("error").asText())
        .isEqualTo("messages[0].role must be one of system, user, assistant, tool");
    assertThat(textStream.status()).isEqualTo(400);
    assertThat(textStream.json().get("error").asText()).isEqualTo("'stream' must be a boolean");
  }

  @Test
  void embeddingsInputIsAStringOrAnArrayOfStrings(BraintrustTestServer server) {
    RawHttp http = new RawHttp(server);

    RawHttp.Response one = http.post("/v1/proxy/embeddings", "{\"model\":\"e\",\"input\":\"a b\"}");
    RawHttp.Response many = http.post("/v1/proxy/embeddings", "{\"model\":\"e\",\"input\":[\"a\",\"b\"]}");
    RawHttp.Response tokens = http.post("/v1/proxy/embeddings", "{\"model\":\"e\",\"input\":[1,2]}");

    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("data")).hasSize(1);
    assertThat(many.json().get("data")).hasSize(2);
    assertThat(tokens.status()).isEqualTo(400);
    assertThat(tokens.json().get("error").asText()).isEqualTo("'input' must be a string or an array of strings");
  }
}

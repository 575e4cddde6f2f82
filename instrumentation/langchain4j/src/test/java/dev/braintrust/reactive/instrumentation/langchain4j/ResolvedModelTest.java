package dev.braintrust.reactive.instrumentation.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A provider that answers with a dated model for an alias: the span's {@code metadata.model} is the
 * one that answered, and its metadata holds only the guide's allowlist.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class ResolvedModelTest {

  @Test
  void theSpansModelIsTheOneTheResponseReportsAndMetadataIsTheAllowlist(BraintrustTestServer server)
      throws Exception {
    byte[] answer =
        ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
                + "\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}")
            .getBytes(StandardCharsets.UTF_8);
    HttpServer provider =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    provider.createContext(
        "/",
        ex -> {
          try (ex) {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(answer);
            }
          }
        });
    provider.start();
    try (Fixture f = new Fixture(server)) {
      ChatModel model =
          OpenAiChatModel.builder()
              .baseUrl("http://127.0.0.1:" + provider.getAddress().getPort() + "/v1")
              .apiKey("k")
              .modelName("gpt-4o-mini")
              .temperature(0.2)
              .topP(0.9)
              .seed(7)
              .user("customer-4711")
              .maxRetries(0)
              .listeners(List.of(f.listener))
              .build();

      assertThat(model.chat("hello")).isEqualTo("hi");

      ObjectNode llm = f.row("Chat Completion");
      JsonNode metadata = llm.get("metadata");
      assertThat(metadata.get("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(metadata.get("provider").asText()).isEqualTo("openai");
      List<String> keys = new ArrayList<>();
      metadata.fieldNames().forEachRemaining(keys::add);
      assertThat(keys).containsExactlyInAnyOrder("model", "provider", "temperature", "top_p");
    } finally {
      provider.stop(0);
    }
  }
}

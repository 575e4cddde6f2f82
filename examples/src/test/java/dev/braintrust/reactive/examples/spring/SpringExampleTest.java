package dev.braintrust.reactive.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The example app, run as the demo runs it, delivers its tree by closing. */
class SpringExampleTest {

  @Test
  void oneQuestionIsARequestSpanWithTheTracedServiceAndTheLlmCallUnderIt() throws Exception {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      List<ObjectNode> rows =
          SpringExampleDemo.run(
              new String[] {
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--braintrust.api-key=" + server.apiKey(),
                "--braintrust.api-url=" + server.baseUrl(),
                "--spring.reactor.netty.shutdown-quiet-period=0s"
              },
              server);

      Map<String, ObjectNode> byName =
          rows.stream()
              .collect(
                  Collectors.toMap(
                      r -> r.path("span_attributes").path("name").asText(), Function.identity()));
      assertThat(byName)
          .containsOnlyKeys("GET /questions/{topic}", "Assistant.answer", "Chat Completion");
      ObjectNode request = byName.get("GET /questions/{topic}");
      ObjectNode service = byName.get("Assistant.answer");
      ObjectNode llm = byName.get("Chat Completion");
      assertThat(service.path("span_parents").get(0).asText())
          .isEqualTo(request.path("span_id").asText());
      assertThat(llm.path("span_parents").get(0).asText())
          .isEqualTo(service.path("span_id").asText());
      assertThat(service.path("input").path("topic").asText()).isEqualTo("backpressure");
      assertThat(llm.path("output").toString()).contains("Explain backpressure in one line.");
    }
  }
}

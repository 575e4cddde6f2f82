package dev.braintrust.reactive.springboot4it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.examples.spring.SpringWebFluxExample;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring example, unchanged, on Spring Boot 4: one question is a request span with the traced
 * service and the LLM call under it, delivered by closing the context.
 */
class SpringExampleOnBoot4Test {

  @Test
  void theSpringExampleRunsOnBoot4AndClosingDeliversItsTree() throws Exception {
    assertThat(SpringBootVersion.getVersion()).startsWith("4.");
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      ConfigurableApplicationContext app =
          SpringApplication.run(
              SpringWebFluxExample.class,
              "--server.port=0",
              "--spring.main.banner-mode=off",
              "--braintrust.api-key=" + server.apiKey(),
              "--braintrust.api-url=" + server.baseUrl(),
              "--braintrust.exporter.flush-interval=1h");
      HttpResponse<String> answer;
      try {
        String port = app.getEnvironment().getProperty("local.server.port");
        answer =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/questions/backpressure"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
      } finally {
        app.close();
      }
      assertThat(answer.statusCode()).isEqualTo(200);

      String project = server.projectId("spring-example");
      assertThat(project).as("project spring-example").isNotNull();
      List<ObjectNode> rows = server.projectLogs(project);
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
    }
  }
}

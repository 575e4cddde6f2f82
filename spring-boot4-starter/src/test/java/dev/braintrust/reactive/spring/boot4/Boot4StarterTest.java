package dev.braintrust.reactive.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.transport.AiProxy;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter on Spring Boot 4, as in production: {@code SpringApplication.run}, requests, the
 * health endpoint, then {@code close()} as the JVM's shutdown hook does. The flush interval is an
 * hour, so only the shutdown can have delivered the spans that arrive.
 */
class Boot4StarterTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final BraintrustTestServer server = BraintrustTestServer.builder().build().start();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stopServer() {
    server.close();
  }

  HttpResponse<String> get(ConfigurableApplicationContext app, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + Boot4App.port(app) + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everySpanHealthAndTheAppsJsonMapperWorkOnBoot4AndClosingDeliversTheSpans() throws Exception {
    ConfigurableApplicationContext app =
        Boot4App.run(
            "--server.port=0",
            "--spring.main.banner-mode=off",
            "--spring.application.name=boot4-shop",
            "--braintrust.api-key=" + server.apiKey(),
            "--braintrust.api-url=" + server.baseUrl(),
            "--braintrust.exporter.flush-interval=1h",
            "--management.endpoint.health.show-details=always",
            "--spring.jackson.property-naming-strategy=SNAKE_CASE");
    try {
      HttpResponse<String> order = get(app, "/orders/42");
      assertThat(order.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(order.body()).path("order_id").asText()).isEqualTo("42");

      HttpResponse<String> health = get(app, "/actuator/health/braintrust");
      assertThat(health.statusCode()).isEqualTo(200);
      JsonNode h = JSON.readTree(health.body());
      assertThat(h.path("status").asText()).isEqualTo("UP");
      assertThat(h.path("details").path("capacity").asInt())
          .isEqualTo(app.getBean(BraintrustExporter.class).capacity());
      assertThat(h.path("details").has("queued")).isTrue();
    } finally {
      app.close();
    }

    // Delivered by the shutdown alone; the project is the application name.
    String project = server.projectId("boot4-shop");
    assertThat(project).as("project boot4-shop").isNotNull();
    List<ObjectNode> rows = server.projectLogs(project);
    ObjectNode root = only(rows, "GET /orders/{id}", null);
    ObjectNode service = only(rows, "Shop.describe", root);
    ObjectNode llm = only(rows, "Chat Completion", service);
    assertThat(llm.path("span_attributes").path("type").asText()).isEqualTo("llm");
    ObjectNode call = only(rows, "GET /inventory/{sku}", service);
    // The outgoing call carried traceparent: the inventory request's span is its child.
    only(rows, "GET /inventory/{sku}", call);
    // The traced method's output went through Boot 4's Jackson 3 mapper (snake_case).
    assertThat(service.path("output").path("order_id").asText()).isEqualTo("42");
    assertThat(service.path("output").has("orderId")).isFalse();
  }

  @Test
  void withoutAKeyABoot4AppStartsAndEveryInjectedBeanFailsEachCallNamingTheMissingKey()
      throws Exception {
    try (ConfigurableApplicationContext app =
        Boot4App.run(
            "--server.port=0",
            "--spring.main.banner-mode=off",
            "--spring.application.name=boot4-shop",
            "--braintrust.api-key=${BRAINTRUST_API_KEY:}")) {
      assertThat(app.getBeansOfType(BraintrustExporter.class)).isEmpty();
      app.getBean(Tracer.class).startSpan("discarded").end();
      assertThat(app.getBean(BraintrustClient.class)).isNotNull();
      Throwable e =
          app.getBean(AiProxy.class)
              .chatCompletion(Map.of("model", "m", "messages", List.of()))
              .then(reactor.core.publisher.Mono.<Throwable>empty())
              .onErrorResume(reactor.core.publisher.Mono::just)
              .block(Duration.ofSeconds(30));
      assertThat(e)
          .isInstanceOf(BraintrustException.class)
          .hasMessageContaining("braintrust.api-key")
          .hasMessageContaining("BRAINTRUST_API_KEY");
      assertThat(get(app, "/orders/1").statusCode()).isEqualTo(500);
    }
    assertThat(server.requests()).isEmpty();
  }

  static String name(JsonNode row) {
    return row.path("span_attributes").path("name").asText();
  }

  /** The one row named {@code name} whose parent is {@code parent} (none: a root). */
  static ObjectNode only(List<ObjectNode> rows, String name, ObjectNode parent) {
    List<ObjectNode> found = new ArrayList<>();
    for (ObjectNode r : rows) {
      List<String> parents = new ArrayList<>();
      r.path("span_parents").forEach(p -> parents.add(p.asText()));
      boolean parentMatches =
          parent == null
              ? parents.isEmpty()
              : parents.equals(List.of(parent.path("span_id").asText()));
      if (name.equals(name(r)) && parentMatches) {
        found.add(r);
      }
    }
    assertThat(found).as("spans named '" + name + "' under " + parent).hasSize(1);
    return found.get(0);
  }
}

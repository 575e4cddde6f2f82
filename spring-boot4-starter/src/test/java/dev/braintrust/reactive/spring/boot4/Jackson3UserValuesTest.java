package dev.braintrust.reactive.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.internal.LazyJson;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * User values through the application's Jackson 3 mapper, over the testkit's socket: the rows the
 * LLM client wrappers build lazily (Jackson 2 values that write themselves) arrive as built, not as
 * {@code {}}, while plain values still follow the application's Jackson 3 settings.
 */
class Jackson3UserValuesTest {
  record Order(String orderId) {}

  @Test
  void lazyRowValuesArriveAsBuiltAndPlainValuesFollowTheAppsMapper() {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      JsonMapper app =
          JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
      BraintrustClient client =
          BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
      try (BraintrustExporter exporter =
          BraintrustExporter.builder(client).objectMapper(new Jackson3UserValues(app)).build()) {
        Span s =
            Tracer.create(exporter, Destination.projectLogsByName("boot4-values"))
                .startSpan("lazy", SpanType.LLM);
        ObjectNode message = JsonNodeFactory.instance.objectNode().put("role", "user");
        s.log(
            Log.builder()
                .input(LazyJson.of(() -> JsonNodeFactory.instance.arrayNode().add(message)))
                .output(LazyJson.ofValue(() -> List.of(Map.of("content", "hi"))))
                .metadata("order", new Order("42"))
                .build());
        s.end();
        exporter.flush().block(Duration.ofSeconds(60));
      }
      ObjectNode row = server.projectLogs(server.projectId("boot4-values")).get(0);
      assertThat(row.path("input").path(0).path("role").asText()).isEqualTo("user");
      assertThat(row.path("output").path(0).path("content").asText()).isEqualTo("hi");
      assertThat(row.path("metadata").path("order").path("order_id").asText()).isEqualTo("42");
    }
  }
}

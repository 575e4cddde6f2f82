package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BraintrustTestServerExtension.class)
class EndToEndTest {

  static BraintrustClient client(BraintrustTestServer server) {
    return BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
  }

  /** InsertEvent's properties in the OpenAPI spec, plus the span fields rows carry. */
  static final java.util.Set<String> INSERT_EVENT_FIELDS =
      java.util.Set.of(
          "id",
          "input",
          "output",
          "expected",
          "error",
          "scores",
          "metadata",
          "tags",
          "metrics",
          "span_attributes",
          "context",
          "_is_merge",
          "span_id",
          "root_span_id",
          "span_parents",
          "created");

  @Test
  void everyFieldOfASpanRowIsAnInsertEventFieldAndLateLogsMergeServerSide(
      BraintrustTestServer server) {
    try (BraintrustExporter exporter = BraintrustExporter.builder(client(server)).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("shape"));
      Span s = tracer.startSpan("full", SpanType.FUNCTION);
      s.log(
          Log.builder()
              .input("i")
              .output("o")
              .expected("e")
              .error("err")
              .score("s", 0.2)
              .metadata("m", 1)
              .metric("tokens", 2)
              .tag("t")
              .build());
      s.end();
      exporter.flush().block(Duration.ofSeconds(10));
      s.score("human", 1.0);
      exporter.flush().block(Duration.ofSeconds(10));

      ObjectNode row = server.projectLogs(server.projectId("shape")).get(0);
      java.util.List<String> fields = new java.util.ArrayList<>();
      row.fieldNames().forEachRemaining(fields::add);
      fields.remove("_xact_id");
      assertThat(INSERT_EVENT_FIELDS).containsAll(fields);
      assertThat(fields)
          .contains(
              "input",
              "output",
              "expected",
              "error",
              "scores",
              "metadata",
              "metrics",
              "tags",
              "span_attributes",
              "context",
              "span_id",
              "root_span_id",
              "created");
      // A root row leaves span_parents out, as the official SDKs do.
      assertThat(fields).doesNotContain("span_parents");
      assertThat(row.get("scores").get("s").asDouble()).isEqualTo(0.2);
      assertThat(row.get("scores").get("human").asDouble()).isEqualTo(1.0);
      assertThat(row.get("output").asText()).isEqualTo("o");
      assertThat(
              server
                  .requests("/insert")
                  .get(1)
                  .json()
                  .get("events")
                  .get(0)
                  .get("_is_merge")
                  .asBoolean())
          .isTrue();
    }
  }

  @Test
  void spanTreeArrivesAsRowsWithIdsParentsAndMetrics(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    try (BraintrustExporter exporter = BraintrustExporter.builder(client).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("e2e"));
      Span root = tracer.startSpan("handle-request", SpanType.TASK);
      root.input(Map.of("question", "What is 2+2?"));
      Span llm = root.startChild("chat", SpanType.LLM);
      llm.log(
          Log.builder()
              .input(List.of(Map.of("role", "user", "content", "What is 2+2?")))
              .output("4")
              .metric("prompt_tokens", 7)
              .metric("completion_tokens", 1)
              .metric("tokens", 8)
              .score("correct", 1.0)
              .metadata("model", "gpt-test")
              .build());
      llm.end();
      root.output("4");
      root.end();

      exporter.flush().block(Duration.ofSeconds(10));

      String projectId = server.projectId("e2e");
      assertThat(projectId).isNotNull();
      Map<String, ObjectNode> rows =
          server.projectLogs(projectId).stream()
              .collect(Collectors.toMap(r -> r.get("span_id").asText(), r -> r));
      assertThat(rows).hasSize(2);

      ObjectNode r = rows.get(root.spanId());
      assertThat(r.get("id").asText()).isEqualTo(root.id());
      assertThat(r.get("root_span_id").asText()).isEqualTo(root.rootSpanId()).hasSize(32);
      assertThat(r.get("span_id").asText()).hasSize(16);
      assertThat(r.has("span_parents")).isFalse();
      assertThat(r.get("span_attributes").get("name").asText()).isEqualTo("handle-request");
      assertThat(r.get("span_attributes").get("type").asText()).isEqualTo("task");
      assertThat(r.get("input").get("question").asText()).isEqualTo("What is 2+2?");
      assertThat(r.get("output").asText()).isEqualTo("4");

      ObjectNode c = rows.get(llm.spanId());
      assertThat(c.get("id").asText()).isEqualTo(llm.id());
      assertThat(c.get("root_span_id").asText()).isEqualTo(root.rootSpanId());
      assertThat(c.get("span_parents").get(0).asText()).isEqualTo(root.spanId());
      assertThat(c.get("span_attributes").get("type").asText()).isEqualTo("llm");
      assertThat(c.get("input").get(0).get("content").asText()).isEqualTo("What is 2+2?");
      assertThat(c.get("scores").get("correct").asDouble()).isEqualTo(1.0);
      JsonNode m = c.get("metrics");
      assertThat(m.get("prompt_tokens").asInt()).isEqualTo(7);
      assertThat(m.get("tokens").asInt()).isEqualTo(8);
      double start = m.get("start").asDouble();
      double end = m.get("end").asDouble();
      assertThat(start).isGreaterThan(1.7e9);
      assertThat(end).isGreaterThanOrEqualTo(start);
      assertThat(r.get("metrics").get("start").asDouble()).isLessThanOrEqualTo(start);
      assertThat(c.get("created").asText()).isNotBlank();

      assertThat(server.requests("/insert"))
          .allSatisfy(
              req -> {
                assertThat(req.header("content-encoding")).isEqualTo("gzip");
                assertThat(req.header("authorization")).isEqualTo("Bearer " + server.apiKey());
                assertThat(req.status()).isEqualTo(200);
              });
    }
  }
}

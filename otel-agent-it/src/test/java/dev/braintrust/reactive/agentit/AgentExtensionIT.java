package dev.braintrust.reactive.agentit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An unmodified application under the OpenTelemetry Java agent with our extension jar and nothing
 * but environment variables: its server, client and GenAI spans reach the testkit over a real
 * socket, in one tree per request, and {@code braintrust.parent} travels in baggage both ways.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class AgentExtensionIT {
  static final String PROJECT = "agent-app";
  static final String UPSTREAM = "from-upstream";
  static final String UPSTREAM_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String UPSTREAM_SPAN = "00f067aa0ba902b7";

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static Path path(String property) {
    String value = System.getProperty(property);
    assertThat(value).as("system property %s (set by failsafe)", property).isNotNull();
    Path p = Paths.get(value);
    assertThat(p).exists();
    return p;
  }

  static String appClassPath() throws Exception {
    try (Stream<Path> jars = Files.list(path("app.lib"))) {
      return Stream.concat(Stream.of(path("app.classes")), jars.sorted())
          .map(Path::toString)
          .collect(Collectors.joining(File.pathSeparator));
    }
  }

  static Map<String, String> env(BraintrustTestServer server) {
    return Map.of(
        "OTEL_TRACES_EXPORTER", "braintrust",
        "OTEL_METRICS_EXPORTER", "none",
        "OTEL_LOGS_EXPORTER", "none",
        "OTEL_SERVICE_NAME", "demo-app",
        "BRAINTRUST_API_KEY", server.apiKey(),
        "BRAINTRUST_API_URL", server.baseUrl(),
        "BRAINTRUST_PROJECT", PROJECT,
        "BRAINTRUST_FLUSH_INTERVAL", "200ms");
  }

  @Test
  @Timeout(110)
  void serverClientAndGenAiSpansArriveAsOneTreePerRequest(BraintrustTestServer server)
      throws Exception {
    List<String> cmd =
        AgentProcess.command(
            path("agent.jar"),
            path("extension.jar"),
            appClassPath(),
            DemoApp.class.getName(),
            List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));
    try (AgentProcess app = AgentProcess.start(cmd, env(server), Duration.ofSeconds(50))) {
      try {
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> r = get(app, "/chat?question-" + i, Map.of());
          assertThat(r.statusCode()).isEqualTo(200);
          // The app's own call to /backend carried our parent in W3C baggage.
          assertThat(r.body()).isEqualTo("baggage=braintrust.parent=project_name:" + PROJECT);
        }
        HttpResponse<String> upstream =
            get(
                app,
                "/chat?from-upstream",
                Map.of(
                    "traceparent", "00-" + UPSTREAM_TRACE + "-" + UPSTREAM_SPAN + "-01",
                    "baggage", "braintrust.parent=project_name:" + UPSTREAM));
        assertThat(upstream.body()).isEqualTo("baggage=braintrust.parent=project_name:" + UPSTREAM);

        List<ObjectNode> rows = awaitRows(server, PROJECT, 12);
        List<ObjectNode> upstreamRows = awaitRows(server, UPSTREAM, 4);

        Map<String, List<ObjectNode>> traces =
            rows.stream().collect(Collectors.groupingBy(r -> r.get("root_span_id").asText()));
        assertThat(traces).hasSize(3);
        traces.values().forEach(t -> assertOneRequestTree(t, null));
        assertOneRequestTree(upstreamRows, UPSTREAM_SPAN);
        assertThat(upstreamRows)
            .allMatch(r -> r.get("root_span_id").asText().equals(UPSTREAM_TRACE));

        // Nothing else: in particular the extension's own calls to Braintrust are not traced.
        assertThat(server.allRows()).hasSize(16);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            e.getMessage()
                + "\n--- rows ---\n"
                + server.allRows()
                + "\n--- application output ---\n"
                + app.output(),
            e);
      }
    }
  }

  /** Server span, then the GenAI span, then the client span, then the /backend server span. */
  static void assertOneRequestTree(List<ObjectNode> trace, String remoteParent) {
    assertThat(trace).hasSize(4);
    ObjectNode llm = only(trace, r -> name(r).equals("chat gpt-4o-mini"));
    ObjectNode chat = only(trace, r -> r.get("metadata").path("url.path").asText().equals("/chat"));
    ObjectNode backend =
        only(trace, r -> r.get("metadata").path("url.path").asText().equals("/backend"));
    ObjectNode client =
        only(trace, r -> r.get("metadata").path("url.full").asText().endsWith("/backend"));

    if (remoteParent == null) {
      assertThat(chat.has("span_parents")).as("the /chat server span is the root").isFalse();
    } else {
      assertThat(parent(chat))
          .as("the /chat server span continues the caller's trace")
          .isEqualTo(remoteParent);
    }
    assertThat(parent(llm)).isEqualTo(spanId(chat));
    assertThat(parent(client)).isEqualTo(spanId(llm));
    assertThat(parent(backend)).isEqualTo(spanId(client));

    assertThat(llm.get("span_attributes").get("type").asText()).isEqualTo("llm");
    assertThat(llm.get("metadata").get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(llm.get("input").get(0).get("content").asText())
        .startsWith(chat.get("metadata").path("url.query").asText());
    assertThat(llm.get("output").get(0).get("content").asText())
        .startsWith("baggage=braintrust.parent=");
    assertThat(llm.get("metrics").get("tokens").asInt()).isEqualTo(16);
    assertThat(chat.get("metadata").path("http.response.status_code").asInt()).isEqualTo(200);
  }

  static ObjectNode only(List<ObjectNode> rows, Predicate<ObjectNode> which) {
    List<ObjectNode> found = rows.stream().filter(which).collect(Collectors.toList());
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  static String name(JsonNode row) {
    return row.get("span_attributes").get("name").asText();
  }

  static String spanId(JsonNode row) {
    return row.get("span_id").asText();
  }

  static String parent(JsonNode row) {
    assertThat(row.has("span_parents")).as("%s has a parent", name(row)).isTrue();
    return row.get("span_parents").get(0).asText();
  }

  HttpResponse<String> get(AgentProcess app, String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
            .timeout(Duration.ofSeconds(20))
            .GET();
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Waits until the project holds {@code count} rows; fails at the deadline with what did arrive.
   */
  static List<ObjectNode> awaitRows(BraintrustTestServer server, String project, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      String id = server.projectId(project);
      List<ObjectNode> rows = id == null ? List.of() : new ArrayList<>(server.projectLogs(id));
      if (rows.size() >= count) {
        return rows;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "expected "
                + count
                + " rows in project "
                + project
                + " within 30 s, got "
                + rows.size());
      }
      LockSupport.parkNanos(20_000_000);
    }
  }
}

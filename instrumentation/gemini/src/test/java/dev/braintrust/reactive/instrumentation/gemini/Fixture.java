package dev.braintrust.reactive.instrumentation.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.Client;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.time.Duration;
import java.util.List;

/**
 * A real wire for each test: the exporter sends spans to the testkit server, and real Google Gen AI
 * clients talk to the same server's Gemini routes. {@code plain} is untraced, to compare what
 * callers see with and without the wrapper.
 */
final class Fixture implements AutoCloseable {
  static final String PROJECT = "gemini-it";
  static final String MODEL = "gemini-test";
  static final Duration T = Duration.ofSeconds(30);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  final BraintrustTestServer server;
  final BraintrustExporter exporter;
  final Tracer tracer;
  final Client plain;
  final Client traced;

  Fixture(BraintrustTestServer server) {
    this(server, PROJECT);
  }

  Fixture(BraintrustTestServer server, String project) {
    this.server = server;
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    this.exporter = BraintrustExporter.builder(client).build();
    this.tracer = Tracer.create(exporter, Destination.projectLogsByName(project));
    this.plain = client(server);
    this.traced = BraintrustGemini.wrap(client(server), tracer);
  }

  /** A Gen AI client of the testkit's Gemini routes, without retries. */
  static Client client(BraintrustTestServer server) {
    return Client.builder()
        .apiKey(server.apiKey())
        .httpOptions(
            HttpOptions.builder()
                .baseUrl(server.baseUrl())
                .apiVersion("v1beta")
                .retryOptions(HttpRetryOptions.builder().attempts(1).build())
                .build())
        .build();
  }

  /** Parses JSON text, for comparing trees regardless of key order. */
  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Every row the server stored, after a flush. */
  List<ObjectNode> rows() {
    exporter.flush().block(T);
    String projectId = server.projectId(PROJECT);
    return projectId == null ? List.of() : server.projectLogs(projectId);
  }

  /** The only row with this span name. */
  ObjectNode row(String name) {
    List<ObjectNode> found =
        rows().stream()
            .filter(r -> r.path("span_attributes").path("name").asText().equals(name))
            .toList();
    assertThat(found).as("rows named %s", name).hasSize(1);
    return found.get(0);
  }

  @Override
  public void close() {
    exporter.close();
    plain.close();
    traced.close();
  }
}

package dev.braintrust.reactive.instrumentation.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.time.Duration;
import java.util.List;

/**
 * A real wire for each test: the exporter sends spans to the testkit server, and real Anthropic
 * clients talk to the same server's AI proxy. {@code plain} is untraced, to compare what callers
 * see with and without the wrapper.
 */
final class Fixture implements AutoCloseable {
  static final String PROJECT = "anthropic-it";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  final BraintrustTestServer server;
  final BraintrustExporter exporter;
  final Tracer tracer;
  final AnthropicClient plain;
  final AnthropicClient traced;

  Fixture(BraintrustTestServer server) {
    this.server = server;
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    this.exporter = BraintrustExporter.builder(client).build();
    this.tracer = Tracer.create(exporter, Destination.projectLogsByName(PROJECT));
    this.plain =
        AnthropicOkHttpClient.builder()
            .apiKey(server.apiKey())
            .baseUrl(server.baseUrl() + "/v1/proxy")
            .build();
    this.traced = BraintrustAnthropic.wrap(plain, tracer);
  }

  /** A small request: a system prompt and one user message. */
  static MessageCreateParams.Builder request(String userText) {
    return MessageCreateParams.builder()
        .model("claude-test")
        .maxTokens(64)
        .system("be brief")
        .addUserMessage(userText);
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
    exporter.flush().block(Duration.ofSeconds(10));
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
  }
}

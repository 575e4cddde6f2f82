package dev.braintrust.reactive.instrumentation.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.time.Duration;
import java.util.List;

/**
 * The real wire for a test: our exporter sending to the testkit, and the real OpenAI client
 * (OkHttp) calling the testkit's OpenAI-format proxy, once as is and once wrapped.
 */
final class Fixture implements AutoCloseable {
  static final Duration T = Duration.ofSeconds(10);
  static final String PROJECT = "openai-wrapper";

  final BraintrustTestServer server;
  final BraintrustExporter exporter;
  final Tracer tracer;
  final OpenAIClient raw;
  final OpenAIClient traced;

  Fixture(BraintrustTestServer server) {
    this.server = server;
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    this.exporter = BraintrustExporter.builder(client).build();
    this.tracer = Tracer.create(exporter, Destination.projectLogsByName(PROJECT));
    // No retries, so a scripted fault is the answer the caller sees.
    this.raw =
        OpenAIOkHttpClient.builder()
            .baseUrl(server.baseUrl() + "/v1/proxy")
            .apiKey(server.apiKey())
            .maxRetries(0)
            .build();
    this.traced = BraintrustOpenAI.wrap(raw, tracer);
  }

  static ChatCompletionCreateParams.Builder chat(String question) {
    return ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini")
        .addSystemMessage("Answer briefly.")
        .addUserMessage(question);
  }

  static ChatCompletionStreamOptions withUsage() {
    return ChatCompletionStreamOptions.builder().includeUsage(true).build();
  }

  /** Every row in the project once everything traced so far was delivered. */
  List<ObjectNode> rows() {
    exporter.flush().block(T);
    String id = server.projectId(PROJECT);
    return id == null ? List.of() : server.projectLogs(id);
  }

  /** The single row named {@code name}. */
  ObjectNode row(String name) {
    List<ObjectNode> named =
        rows().stream()
            .filter(r -> r.path("span_attributes").path("name").asText().equals(name))
            .toList();
    assertThat(named).as("rows named %s", name).hasSize(1);
    return named.get(0);
  }

  @Override
  public void close() {
    raw.close();
    exporter.close();
  }
}

package dev.braintrust.reactive.instrumentation.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.List;

/**
 * The real wire for a test: our exporter sending to the testkit, and LangChain4j's OpenAI models
 * (over the JDK HTTP client) calling the testkit's OpenAI-format proxy.
 */
final class Fixture implements AutoCloseable {
  static final Duration T = Duration.ofSeconds(10);
  static final String PROJECT = "langchain4j";

  final BraintrustTestServer server;
  final BraintrustExporter exporter;
  final Tracer tracer;
  final ChatModelListener listener;

  Fixture(BraintrustTestServer server) {
    this.server = server;
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    this.exporter = BraintrustExporter.builder(client).build();
    this.tracer = Tracer.create(exporter, Destination.projectLogsByName(PROJECT));
    this.listener = BraintrustLangChain4j.chatModelListener(tracer);
  }

  /** A chat model on the testkit; no retries, so a scripted fault is the answer the caller sees. */
  OpenAiChatModel.OpenAiChatModelBuilder chatModel() {
    return OpenAiChatModel.builder()
        .baseUrl(server.baseUrl() + "/v1/proxy")
        .apiKey(server.apiKey())
        .modelName("gpt-4o-mini")
        .maxRetries(0);
  }

  OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder streamingModel() {
    return OpenAiStreamingChatModel.builder()
        .baseUrl(server.baseUrl() + "/v1/proxy")
        .apiKey(server.apiKey())
        .modelName("gpt-4o-mini");
  }

  OpenAiEmbeddingModel.OpenAiEmbeddingModelBuilder embeddingModel() {
    return OpenAiEmbeddingModel.builder()
        .baseUrl(server.baseUrl() + "/v1/proxy")
        .apiKey(server.apiKey())
        .modelName("text-embedding-3-small")
        .maxRetries(0);
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
    exporter.close();
  }
}

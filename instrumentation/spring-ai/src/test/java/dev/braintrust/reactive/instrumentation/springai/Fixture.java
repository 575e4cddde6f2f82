package dev.braintrust.reactive.instrumentation.springai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.document.MetadataMode;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.OpenAiEmbeddingModel;
import org.springframework.ai.openai.OpenAiEmbeddingOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.retry.support.RetryTemplate;

/**
 * The real wire for a test: our exporter sending to the testkit, and Spring AI's OpenAI models
 * (RestClient for calls, WebClient for streams) calling the testkit's OpenAI-format proxy.
 */
final class Fixture implements AutoCloseable {
  static final Duration T = Duration.ofSeconds(30);

  final BraintrustTestServer server;
  final String project;
  final BraintrustExporter exporter;
  final Tracer tracer;
  final ObservationRegistry registry;

  Fixture(BraintrustTestServer server, String project) {
    this.server = server;
    this.project = project;
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    this.exporter = BraintrustExporter.builder(client).build();
    this.tracer = Tracer.create(exporter, Destination.projectLogsByName(project));
    this.registry = BraintrustSpringAi.observationRegistry(tracer);
  }

  Fixture(BraintrustTestServer server) {
    this(server, "spring-ai");
  }

  OpenAiApi api() {
    return OpenAiApi.builder()
        .baseUrl(server.baseUrl() + "/v1/proxy")
        .apiKey(server.apiKey())
        .completionsPath("/chat/completions")
        .embeddingsPath("/embeddings")
        .build();
  }

  static OpenAiChatOptions.Builder options() {
    return OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.0);
  }

  /** A model on the testkit without retries, so a scripted fault is what the caller sees. */
  OpenAiChatModel rawModel(OpenAiChatOptions options, ObservationRegistry observations) {
    return OpenAiChatModel.builder()
        .openAiApi(api())
        .defaultOptions(options)
        .retryTemplate(RetryTemplate.builder().maxAttempts(1).build())
        .observationRegistry(observations)
        .build();
  }

  /** The model as the starters give it: observed by our handler, its streams timed. */
  ChatModel model(OpenAiChatOptions options) {
    return BraintrustSpringAi.timeStreams(rawModel(options, registry));
  }

  ChatModel model() {
    return model(options().build());
  }

  OpenAiEmbeddingModel embeddingModel() {
    return new OpenAiEmbeddingModel(
        api(),
        MetadataMode.EMBED,
        OpenAiEmbeddingOptions.builder().model("text-embedding-3-small").build(),
        RetryTemplate.builder().maxAttempts(1).build(),
        registry);
  }

  /** Every row in the project once everything traced so far was delivered. */
  List<ObjectNode> rows() {
    exporter.flush().block(T);
    String id = server.projectId(project);
    return id == null ? List.of() : server.projectLogs(id);
  }

  /** The rows named {@code name}, in the order their spans started. */
  List<ObjectNode> rows(String name) {
    return rows().stream()
        .filter(r -> r.path("span_attributes").path("name").asText().equals(name))
        .sorted(
            (a, b) ->
                Double.compare(
                    a.path("metrics").path("start").asDouble(),
                    b.path("metrics").path("start").asDouble()))
        .toList();
  }

  /** The single row named {@code name}. */
  ObjectNode row(String name) {
    List<ObjectNode> named = rows(name);
    assertThat(named).as("rows named %s", name).hasSize(1);
    return named.get(0);
  }

  @Override
  public void close() {
    exporter.close();
  }
}

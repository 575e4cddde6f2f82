package dev.braintrust.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Boot 3.5 application with Spring AI 1.1's OpenAI starter and ours, nothing wired by hand: its
 * chat and embedding models, pointed at the testkit's OpenAI-format endpoint, are traced.
 */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes opened only to make a span current
class SpringAiAppTest {

  /** The application: Boot's and Spring AI's auto-configuration only. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}

  static ConfigurableApplicationContext run(
      BraintrustTestServer server, String project, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--spring.main.web-application-type=none",
                "--spring.main.banner-mode=off",
                "--braintrust.api-key=" + server.apiKey(),
                "--braintrust.api-url=" + server.baseUrl(),
                "--braintrust.project=" + project,
                "--spring.ai.openai.api-key=" + server.apiKey(),
                "--spring.ai.openai.base-url=" + server.baseUrl() + "/v1/proxy",
                "--spring.ai.openai.chat.completions-path=/chat/completions",
                "--spring.ai.openai.chat.options.model=gpt-4o-mini",
                "--spring.ai.openai.chat.options.temperature=0.0",
                "--spring.ai.openai.chat.options.stream-usage=true",
                "--spring.ai.openai.embedding.embeddings-path=/embeddings",
                "--spring.ai.openai.embedding.options.model=text-embedding-3-small",
                "--spring.ai.retry.max-attempts=1"));
    args.addAll(List.of(more));
    return SpringApplication.run(App.class, args.toArray(String[]::new));
  }

  /**
   * The project's rows once one of each name has arrived: waiting for a count instead would let
   * another span (the HTTP client's) stand in for one that ends a moment later, as a stream's does.
   */
  static List<ObjectNode> rows(
      ConfigurableApplicationContext ctx,
      BraintrustTestServer server,
      String project,
      String... names) {
    return Rows.await(
        "rows named " + List.of(names),
        () -> Rows.of(server, project),
        rows ->
            List.of(names).stream()
                .allMatch(n -> rows.stream().anyMatch(r -> Rows.name(r).equals(n))),
        () ->
            ctx.getBean(dev.braintrust.reactive.core.export.BraintrustExporter.class)
                .flush()
                .block());
  }

  static ObjectNode named(List<ObjectNode> rows, String name) {
    List<ObjectNode> found = rows.stream().filter(r -> Rows.name(r).equals(name)).toList();
    assertThat(found).as("rows named %s in %s", name, rows).hasSize(1);
    return found.get(0);
  }

  @Test
  void theAutoConfiguredChatModelIsTracedAndStillAnOpenAiChatModel(BraintrustTestServer server) {
    try (ConfigurableApplicationContext ctx = run(server, "spring-ai-app")) {
      ChatModel model = ctx.getBean(ChatModel.class);
      assertThat(model).isInstanceOf(OpenAiChatModel.class);
      assertThat(ctx.getBean(OpenAiChatModel.class)).isSameAs(model);
      Tracer tracer = ctx.getBean(Tracer.class);
      server.scriptModelReply("The capital of France is Paris.");

      Span root = tracer.startSpan("ask", SpanType.TASK);
      ChatResponse response;
      try (Scope s = root.makeCurrent()) {
        response = model.call(new Prompt("What is the capital of France?"));
      } finally {
        root.end();
      }
      assertThat(response.getResult().getOutput().getText())
          .isEqualTo("The capital of France is Paris.");

      List<ObjectNode> rows = rows(ctx, server, "spring-ai-app", "ask", "Chat Completion");
      ObjectNode llm = named(rows, "Chat Completion");
      assertThat(Rows.parents(llm)).containsExactly(Rows.spanId(named(rows, "ask")));
      assertThat(llm.path("span_attributes").path("type").asText()).isEqualTo("llm");
      assertThat(llm.get("input").get(0).path("content").asText())
          .isEqualTo("What is the capital of France?");
      assertThat(llm.get("output").get(0).path("message").path("content").asText())
          .isEqualTo("The capital of France is Paris.");
      assertThat(Rows.meta(llm, "model").asText()).startsWith("gpt-4o-mini");
      assertThat(Rows.meta(llm, "provider").asText()).isEqualTo("openai");
      assertThat(llm.path("metrics").path("prompt_tokens").asInt()).isPositive();
      assertThat(llm.path("metrics").path("completion_tokens").asInt()).isPositive();
      assertThat(
              llm.path("context").path("span_origin").path("instrumentation").path("name").asText())
          .isEqualTo("instrumentation-spring-ai");
    }
  }

  @Test
  void aStreamFromTheAutoConfiguredModelHasItsReplyTokensAndTimeToFirstToken(
      BraintrustTestServer server) {
    try (ConfigurableApplicationContext ctx = run(server, "spring-ai-stream")) {
      ChatModel model = ctx.getBean(ChatModel.class);
      server.scriptModelReply("One two three.");
      String text =
          model.stream(new Prompt("Count to three.")).collectList().block().stream()
              .map(c -> c.getResult() == null ? "" : c.getResult().getOutput().getText())
              .filter(t -> t != null)
              .collect(Collectors.joining());
      assertThat(text).isEqualTo("One two three.");

      ObjectNode llm =
          named(rows(ctx, server, "spring-ai-stream", "Chat Completion"), "Chat Completion");
      assertThat(llm.get("output").get(0).path("message").path("content").asText())
          .isEqualTo("One two three.");
      JsonNode metrics = llm.get("metrics");
      assertThat(metrics.path("time_to_first_token").isNumber()).isTrue();
      assertThat(metrics.path("prompt_tokens").asInt()).isPositive();
    }
  }

  @Test
  void aChatClientStreamUnderACallersSpanIsItsChildWithTimeToFirstToken(
      BraintrustTestServer server) {
    try (ConfigurableApplicationContext ctx = run(server, "spring-ai-client")) {
      ChatClient client = ctx.getBean(ChatClient.Builder.class).build();
      server.scriptModelReply("Four five six.");
      Span root = ctx.getBean(Tracer.class).startSpan("client", SpanType.TASK);
      String text;
      try (Scope s = root.makeCurrent()) {
        text = String.join("", client.prompt("Count on.").stream().content().collectList().block());
      } finally {
        root.end();
      }
      assertThat(text).isEqualTo("Four five six.");

      List<ObjectNode> rows = rows(ctx, server, "spring-ai-client", "client", "Chat Completion");
      ObjectNode llm = named(rows, "Chat Completion");
      assertThat(Rows.parents(llm)).containsExactly(Rows.spanId(named(rows, "client")));
      assertThat(llm.path("metrics").path("time_to_first_token").isNumber()).isTrue();
      assertThat(llm.get("output").get(0).path("message").path("content").asText())
          .isEqualTo("Four five six.");
    }
  }

  @Test
  void theAutoConfiguredEmbeddingModelIsTraced(BraintrustTestServer server) {
    try (ConfigurableApplicationContext ctx = run(server, "spring-ai-embed")) {
      float[] vector = ctx.getBean(EmbeddingModel.class).embed("hello world");
      assertThat(vector).isNotEmpty();

      ObjectNode row = named(rows(ctx, server, "spring-ai-embed", "Embedding"), "Embedding");
      assertThat(row.path("input").path("inputs").get(0).path("content").asText())
          .isEqualTo("hello world");
      assertThat(row.path("output").path("count").asInt()).isEqualTo(1);
      assertThat(Rows.meta(row, "model").asText()).startsWith("text-embedding-3-small");
    }
  }

  @Test
  void withoutActuatorsObservationRegistryTheStarterSuppliesOneAndCallsAreTraced(
      BraintrustTestServer server) {
    try (ConfigurableApplicationContext ctx =
        run(
            server,
            "spring-ai-no-actuator",
            "--spring.autoconfigure.exclude="
                + "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration")) {
      assertThat(ctx.getBeanNamesForType(io.micrometer.observation.ObservationRegistry.class))
          .containsExactly("braintrustObservationRegistry");
      server.scriptModelReply("Paris.");
      ctx.getBean(ChatModel.class).call(new Prompt("Capital of France?"));

      ObjectNode llm =
          named(rows(ctx, server, "spring-ai-no-actuator", "Chat Completion"), "Chat Completion");
      assertThat(llm.get("output").get(0).path("message").path("content").asText())
          .isEqualTo("Paris.");
    }
  }

  @Test
  void withTheSpringAiSwitchOffNothingIsTraced(BraintrustTestServer server) {
    try (ConfigurableApplicationContext ctx =
        run(server, "spring-ai-off", "--braintrust.spring-ai.enabled=false")) {
      assertThat(ctx.getBeanNamesForType(BraintrustSpringAiAutoConfiguration.class)).isEmpty();
      server.scriptModelReply("Paris.");
      ctx.getBean(ChatModel.class).call(new Prompt("Capital of France?"));
      ctx.getBean(dev.braintrust.reactive.core.export.BraintrustExporter.class).flush().block();
      assertThat(Rows.of(server, "spring-ai-off")).isEmpty();
    }
  }
}

package dev.braintrust.reactive.springboot4it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Boot 4 application with Spring AI 2.0's OpenAI starter (built on openai-java) and ours, nothing
 * wired by hand: its chat and embedding models, pointed at the testkit, are traced.
 */
@SuppressWarnings("try") // scopes opened only to make a span current
class SpringAiOnBoot4Test {
  static final Duration T = Duration.ofSeconds(30);

  /** The application: Boot's and Spring AI's auto-configuration only. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}

  static ConfigurableApplicationContext run(BraintrustTestServer server, String project) {
    return SpringApplication.run(
        App.class,
        "--spring.main.web-application-type=none",
        "--spring.main.banner-mode=off",
        "--braintrust.api-key=" + server.apiKey(),
        "--braintrust.api-url=" + server.baseUrl(),
        "--braintrust.project=" + project,
        "--spring.ai.openai.api-key=" + server.apiKey(),
        "--spring.ai.openai.base-url=" + server.baseUrl() + "/v1/proxy",
        "--spring.ai.openai.max-retries=0",
        "--spring.ai.openai.chat.options.model=gpt-4o-mini",
        "--spring.ai.openai.chat.options.temperature=0.0",
        "--spring.ai.openai.chat.options.stream-options.include-usage=true",
        "--spring.ai.openai.embedding.options.model=text-embedding-3-small");
  }

  /** The project's rows once {@code done} holds, flushing while waiting. */
  static List<ObjectNode> rows(
      ConfigurableApplicationContext ctx,
      BraintrustTestServer server,
      String project,
      Predicate<List<ObjectNode>> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(T);
    while (true) {
      ctx.getBean(BraintrustExporter.class).flush().block(T);
      String id = server.projectId(project);
      List<ObjectNode> rows = id == null ? List.of() : server.projectLogs(id);
      if (done.test(rows)) {
        return rows;
      }
      assertThat(Instant.now()).as("rows of %s: %s", project, rows).isBefore(deadline);
      Thread.sleep(20);
    }
  }

  static ObjectNode named(List<ObjectNode> rows, String name) {
    List<ObjectNode> found =
        rows.stream()
            .filter(r -> r.path("span_attributes").path("name").asText().equals(name))
            .toList();
    assertThat(found).as("rows named %s in %s", name, rows).hasSize(1);
    return found.get(0);
  }

  static boolean has(List<ObjectNode> rows, String name) {
    return rows.stream()
        .anyMatch(r -> r.path("span_attributes").path("name").asText().equals(name));
  }

  @Test
  void onBoot4SpringAi2sChatModelCallIsTracedWithPromptReplyModelAndTokens() throws Exception {
    assertThat(SpringBootVersion.getVersion()).startsWith("4.");
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start();
        ConfigurableApplicationContext ctx = run(server, "spring-ai2-call")) {
      ChatModel model = ctx.getBean(ChatModel.class);
      assertThat(model).isInstanceOf(OpenAiChatModel.class);
      server.scriptModelReply("The capital of France is Paris.");
      Span root = ctx.getBean(Tracer.class).startSpan("ask", SpanType.TASK);
      ChatResponse response;
      try (Scope s = root.makeCurrent()) {
        response = model.call(new Prompt("What is the capital of France?"));
      } finally {
        root.end();
      }
      assertThat(response.getResult().getOutput().getText())
          .isEqualTo("The capital of France is Paris.");

      List<ObjectNode> rows =
          rows(ctx, server, "spring-ai2-call", r -> has(r, "ask") && has(r, "Chat Completion"));
      ObjectNode llm = named(rows, "Chat Completion");
      assertThat(llm.get("span_parents")).containsExactly(named(rows, "ask").get("span_id"));
      assertThat(llm.get("input").get(0).path("role").asText()).isEqualTo("user");
      assertThat(llm.get("input").get(0).path("content").asText())
          .isEqualTo("What is the capital of France?");
      JsonNode choice = llm.get("output").get(0);
      assertThat(choice.path("message").path("content").asText())
          .isEqualTo("The capital of France is Paris.");
      assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
      assertThat(llm.path("metadata").path("model").asText()).startsWith("gpt-4o-mini");
      assertThat(llm.path("metadata").path("provider").asText()).isEqualTo("openai");
      assertThat(llm.path("metrics").path("prompt_tokens").asInt()).isPositive();
      assertThat(llm.path("metrics").path("completion_tokens").asInt()).isPositive();
      assertThat(
              llm.path("context").path("span_origin").path("instrumentation").path("name").asText())
          .isEqualTo("instrumentation-spring-ai");
    }
  }

  /**
   * Spring AI 2.0's OpenAI model is a final class, which the starter can't proxy: a stream through
   * the application's ChatClient gets first-token time from the advisor the starter adds; the model
   * streamed directly still gets its span, without it.
   */
  @Test
  void onBoot4AStreamThroughChatClientHasItsReplyAndTimeToFirstToken() throws Exception {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start();
        ConfigurableApplicationContext ctx = run(server, "spring-ai2-stream")) {
      server.scriptModelReply("One two three.");
      ChatClient client = ctx.getBean(ChatClient.Builder.class).build();
      String text =
          client.prompt("Count to three.").stream().content().collectList().block(T).stream()
              .collect(Collectors.joining());
      assertThat(text).isEqualTo("One two three.");

      ObjectNode llm =
          named(
              rows(ctx, server, "spring-ai2-stream", r -> has(r, "Chat Completion")),
              "Chat Completion");
      assertThat(llm.get("output").get(0).path("message").path("content").asText())
          .isEqualTo("One two three.");
      assertThat(llm.path("metrics").path("time_to_first_token").isNumber()).isTrue();
      assertThat(llm.path("metrics").path("prompt_tokens").asInt()).isPositive();

      server.scriptModelReply("Four five.");
      String direct =
          ctx.getBean(ChatModel.class).stream(new Prompt("Go on.")).collectList().block(T).stream()
              .map(c -> c.getResult() == null ? null : c.getResult().getOutput().getText())
              .filter(t -> t != null)
              .collect(Collectors.joining());
      assertThat(direct).isEqualTo("Four five.");
      List<ObjectNode> both =
          rows(
              ctx,
              server,
              "spring-ai2-stream",
              r ->
                  r.stream().filter(x -> x.path("output").toString().contains("Four five.")).count()
                      == 1);
      assertThat(both).hasSize(2);
    }
  }

  @Test
  void onBoot4SpringAi2sEmbeddingModelIsTraced() throws Exception {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start();
        ConfigurableApplicationContext ctx = run(server, "spring-ai2-embed")) {
      assertThat(ctx.getBean(EmbeddingModel.class).embed("hello world")).isNotEmpty();

      ObjectNode row =
          named(rows(ctx, server, "spring-ai2-embed", r -> has(r, "Embedding")), "Embedding");
      assertThat(row.path("input").path("inputs").get(0).path("content").asText())
          .isEqualTo("hello world");
      assertThat(row.path("output").path("count").asInt()).isEqualTo(1);
      assertThat(row.path("metadata").path("model").asText()).startsWith("text-embedding-3-small");
    }
  }
}

package dev.braintrust.reactive.genaiit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.otel.BraintrustSpanProcessor;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring AI's {@link ChatClient} (Spring AI 1.1, OpenAI starter) in a Spring Boot application whose
 * observations become OpenTelemetry spans through Micrometer Tracing's OTel bridge, with our
 * processor as a {@code SpanProcessor} bean, calling the testkit's fake model.
 *
 * <p>Spring AI 1.1 puts the model, parameters, finish reasons and token counts on the chat span but
 * not the prompt or the completion: {@code spring.ai.chat.observations.log-prompt} and {@code
 * log-completion} write those to the application log only. {@link ChatContentFilter} is the
 * observation filter an application adds to get them onto the span, in the current OTel GenAI
 * format.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class SpringAiObservationTest {
  static final String PROJECT = "spring-ai";

  // One application for the class: closing one disposes Reactor Netty's global event loops (Boot's
  // ReactorResourceFactory does), and the testkit server runs on them.
  static ConfigurableApplicationContext context;
  static BraintrustSpanProcessor spans;
  static ChatClient chat;
  static final ChatContentFilter CONTENT = new ChatContentFilter();

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}

  @BeforeAll
  static void start(BraintrustTestServer server) {
    BraintrustExporter exporter =
        BraintrustExporter.builder(
                BraintrustClient.builder()
                    .apiKey(server.apiKey())
                    .baseUrl(server.baseUrl())
                    .build())
            .build();
    spans =
        BraintrustSpanProcessor.builder(exporter)
            .destination(Destination.projectLogsByName(PROJECT))
            .build();
    context =
        new SpringApplicationBuilder(App.class)
            .initializers(
                ctx -> {
                  // Boot's OpenTelemetry configuration adds every SpanProcessor bean, and the
                  // observation registry every ObservationFilter bean.
                  ctx.getBeanFactory().registerSingleton("braintrustSpans", spans);
                  ctx.getBeanFactory().registerSingleton("chatContent", CONTENT);
                })
            .run(
                "--spring.main.web-application-type=none",
                "--spring.main.banner-mode=off",
                "--management.tracing.sampling.probability=1.0",
                "--spring.ai.openai.api-key=" + server.apiKey(),
                "--spring.ai.openai.base-url=" + server.baseUrl() + "/v1/proxy",
                "--spring.ai.openai.chat.completions-path=/chat/completions",
                "--spring.ai.openai.chat.options.model=gpt-4o-mini",
                "--spring.ai.openai.chat.options.temperature=0.3",
                "--spring.ai.retry.max-attempts=1");
    chat = context.getBean(ChatClient.Builder.class).build();
  }

  @AfterAll
  static void stop() {
    if (context != null) {
      context.close();
    }
  }

  @AfterEach
  void contentOff() {
    CONTENT.enabled = false;
  }

  Map<String, ObjectNode> rows(BraintrustTestServer server) {
    assertThat(spans.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    String id = server.projectId(PROJECT);
    List<ObjectNode> rows = id == null ? List.of() : server.projectLogs(id);
    return rows.stream()
        .collect(
            Collectors.toMap(
                r -> r.at("/span_attributes/name").asText(), Function.identity(), (a, b) -> a));
  }

  @Test
  void theChatModelSpanIsAnLlmRowWithModelParametersAndTokens(BraintrustTestServer server) {
    server.scriptModelReply("Paris.");
    String answer =
        chat.prompt()
            .system("Answer briefly.")
            .user("What is the capital of France?")
            .call()
            .content();
    assertThat(answer).isEqualTo("Paris.");

    Map<String, ObjectNode> rows = rows(server);
    ObjectNode llm = rows.get("chat gpt-4o-mini");
    assertThat(llm).as("rows %s", rows.keySet()).isNotNull();
    assertThat(llm.at("/span_attributes/type").asText()).isEqualTo("llm");
    JsonNode md = llm.get("metadata");
    assertThat(md.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(md.get("provider").asText()).isEqualTo("openai");
    // Micrometer key values are strings; they come back as numbers and JSON.
    assertThat(md.get("temperature").isNumber()).isTrue();
    assertThat(md.get("temperature").asDouble()).isEqualTo(0.3);
    assertThat(md.fieldNames())
        .toIterable()
        .doesNotContain("finish_reasons", "response_id", "response_model")
        .noneMatch(k -> k.startsWith("gen_ai.request.") || k.startsWith("gen_ai.response."));
    JsonNode metrics = llm.get("metrics");
    assertThat(metrics.get("prompt_tokens").asInt()).isEqualTo(8);
    assertThat(metrics.get("completion_tokens").asInt()).isEqualTo(1);
    assertThat(metrics.get("tokens").asInt()).isEqualTo(9);
    assertThat(md.has("gen_ai.usage.input_tokens")).isFalse();
    // Spring AI 1.1 records no prompt or completion on the span.
    assertThat(llm.has("input")).isFalse();
    assertThat(llm.has("output")).isFalse();

    // The chat client's span and its advisor's wrap it, as tasks rather than more llm calls.
    ObjectNode client = kind(rows, "chat_client");
    ObjectNode advisor = kind(rows, "advisor");
    assertThat(client.at("/span_attributes/type").asText()).isEqualTo("task");
    assertThat(advisor.at("/span_attributes/type").asText()).isEqualTo("task");
    assertThat(advisor.at("/span_parents/0").asText()).isEqualTo(client.get("span_id").asText());
    assertThat(llm.at("/span_parents/0").asText()).isEqualTo(advisor.get("span_id").asText());
  }

  static ObjectNode kind(Map<String, ObjectNode> rows, String kind) {
    return rows.values().stream()
        .filter(r -> r.at("/metadata/spring.ai.kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " row in " + rows.keySet()));
  }

  @Test
  void withTheContentFilterThePromptAndCompletionAreTheInputAndOutput(BraintrustTestServer server) {
    server.scriptModelReply("Paris.");
    CONTENT.enabled = true;
    chat.prompt().system("Answer briefly.").user("What is the capital of France?").call().content();

    ObjectNode llm = rows(server).get("chat gpt-4o-mini");
    JsonNode input = llm.get("input");
    assertThat(input.at("/0/role").asText()).isEqualTo("system");
    assertThat(input.at("/0/content").asText()).isEqualTo("Answer briefly.");
    assertThat(input.at("/1/role").asText()).isEqualTo("user");
    assertThat(input.at("/1/content").asText()).isEqualTo("What is the capital of France?");
    assertThat(llm.at("/output/0/message/role").asText()).isEqualTo("assistant");
    assertThat(llm.at("/output/0/message/content").asText()).isEqualTo("Paris.");
    assertThat(llm.at("/metadata").has("gen_ai.input.messages")).isFalse();
    assertThat(llm.at("/metrics/tokens").asInt()).isEqualTo(9);
  }
}

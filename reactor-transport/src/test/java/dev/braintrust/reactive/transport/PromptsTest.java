package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.transport.model.Prompt;
import dev.braintrust.reactive.transport.model.RenderedPrompt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BraintrustTestServerExtension.class)
class PromptsTest {
  static final Duration T = Duration.ofSeconds(10);

  static Map<String, Object> prompt(String pid, String template, double temperature) {
    return Map.of(
        "project_id",
        pid,
        "name",
        "Support answer",
        "slug",
        "support",
        "prompt_data",
        Map.of(
            "prompt",
            Map.of(
                "type",
                "chat",
                "messages",
                List.of(
                    Map.of("role", "system", "content", "You help {{customer.name}}."),
                    Map.of("role", "user", "content", template))),
            "options",
            Map.of("model", "fake-1", "params", Map.of("temperature", temperature))));
  }

  @Test
  void aPromptIsLoadedBySlugAtItsLatestOrAnEarlierVersionAndRendered(BraintrustTestServer server) {
    BraintrustClient client = ApiCallsTest.client(server);
    String pid = server.createProject("support");
    Prompt v1 = client.prompts().create(prompt(pid, "Q: {{question}}", 0.1)).block(T);
    Prompt v2 =
        client
            .prompts()
            .replace(prompt(pid, "Question: {{question}} {{#tags}}[{{.}}]{{/tags}}", 0.3))
            .block(T);
    assertThat(v2.id()).isEqualTo(v1.id());
    assertThat(Long.parseLong(v2.version())).isGreaterThan(Long.parseLong(v1.version()));

    Prompt latest = client.loadPrompt("support", "support").block(T);
    Prompt first = client.loadPrompt("support", "support", v1.version()).block(T);
    assertThat(latest.version()).isEqualTo(v2.version());
    assertThat(first.version()).isEqualTo(v1.version());

    Map<String, Object> vars =
        Map.of(
            "customer", Map.of("name", "Ann <ann@example.com>"),
            "question", "where is my order?",
            "tags", List.of("billing", "urgent"));
    RenderedPrompt now = latest.render(vars);
    assertThat(now.messages())
        .extracting(m -> m.get("content"))
        .containsExactly(
            "You help Ann <ann@example.com>.", "Question: where is my order? [billing][urgent]");
    assertThat(now.model()).isEqualTo("fake-1");
    assertThat(now.chatRequest())
        .containsEntry("temperature", 0.3)
        .containsEntry("model", "fake-1");
    assertThat(first.render(vars).messages().get(1).get("content"))
        .isEqualTo("Q: where is my order?");
    assertThat(latest.render(Map.of("question", Map.of("id", 7))).messages().get(1).get("content"))
        .isEqualTo("Question: {\"id\":7} ");
    client.close();
  }

  @Test
  void aRenderedPromptsCallRecordsThePromptOnItsLlmSpan(BraintrustTestServer server) {
    BraintrustClient client = ApiCallsTest.client(server);
    String pid = server.createProject("support-traced");
    Prompt p = client.prompts().create(prompt(pid, "Q: {{question}}", 0.2)).block(T);
    server.scriptModelReply("It ships today");
    try (BraintrustExporter ex = BraintrustExporter.builder(ApiCallsTest.client(server)).build()) {
      Tracer tracer = Tracer.create(ex, Destination.projectLogs(pid));
      RenderedPrompt rendered =
          client
              .loadPrompt("support-traced", "support")
              .block(T)
              .render(Map.of("question", "when?"));
      assertThat(client.aiProxy(tracer).chatCompletion(rendered).block(T).content())
          .isEqualTo("It ships today");
      ex.flush().block(T);
    }
    ObjectNode row = server.projectLogs(pid).get(0);
    assertThat(row.get("span_attributes").get("type").asText()).isEqualTo("llm");
    assertThat(row.get("input").get(1).get("content").asText()).isEqualTo("Q: when?");
    assertThat(row.get("metadata").get("temperature").asDouble()).isEqualTo(0.2);
    ObjectNode origin = (ObjectNode) row.get("metadata").get("prompt");
    assertThat(origin.get("id").asText()).isEqualTo(p.id());
    assertThat(origin.get("project_id").asText()).isEqualTo(pid);
    assertThat(origin.get("version").asText()).isEqualTo(p.version());
    assertThat(origin.get("variables").get("question").asText()).isEqualTo("when?");
    client.close();
  }

  @Test
  void missingPromptsAndBadTemplatesAreClearErrors(BraintrustTestServer server) {
    BraintrustClient client = ApiCallsTest.client(server);
    String pid = server.createProject("support-bad");
    assertThatThrownBy(() -> client.loadPrompt("support-bad", "nope").block(T))
        .isInstanceOf(BraintrustException.class)
        .hasMessage("no prompt 'nope' in project 'support-bad'");
    // One request when the prompt exists; only a miss asks which of the two is missing.
    assertThatThrownBy(() -> client.loadPrompt("no-project", "nope").block(T))
        .hasMessage("no project named 'no-project'");
    Prompt p = client.prompts().create(prompt(pid, "Q: {{#open}}", 0.2)).block(T);
    assertThatThrownBy(() -> p.render(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bad prompt template");
    client.close();
  }
}

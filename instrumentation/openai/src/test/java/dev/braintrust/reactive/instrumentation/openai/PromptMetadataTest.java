package dev.braintrust.reactive.instrumentation.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.model.Prompt;
import dev.braintrust.reactive.transport.model.RenderedPrompt;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Braintrust prompt, loaded from the testkit and rendered, attached around a wrapped OpenAI call:
 * the call's span records {@code metadata.prompt}; the provider never sees it.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class PromptMetadataTest {

  private static ChatCompletionCreateParams fromPrompt(RenderedPrompt rendered) {
    ChatCompletionCreateParams.Builder b =
        ChatCompletionCreateParams.builder().model("gpt-4o-mini");
    for (Map<String, Object> m : rendered.messages()) {
      String content = String.valueOf(m.get("content"));
      if ("system".equals(m.get("role"))) {
        b.addSystemMessage(content);
      } else {
        b.addUserMessage(content);
      }
    }
    return b.build();
  }

  @Test
  void callsMadeWhileARenderedPromptIsAttachedRecordItAsMetadataPrompt(
      BraintrustTestServer server) {
    BraintrustClient api =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    String pid = server.createProject("prompts");
    Prompt saved =
        api.prompts()
            .create(
                Map.of(
                    "project_id",
                    pid,
                    "name",
                    "Support",
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
                                Map.of("role", "system", "content", "Be brief."),
                                Map.of("role", "user", "content", "Q: {{question}}"))))))
            .block(Fixture.T);
    RenderedPrompt rendered =
        api.loadPrompt("prompts", "support").block(Fixture.T).render(Map.of("question", "when?"));

    try (Fixture f = new Fixture(server)) {
      try (Scope ignored = rendered.promptMetadata().attach()) {
        f.traced.chat().completions().create(fromPrompt(rendered));
        try (StreamResponse<ChatCompletionChunk> s =
            f.traced.chat().completions().createStreaming(fromPrompt(rendered))) {
          s.stream().forEach(c -> {});
        }
        // A Responses call: its instructions lead the input, so the question is again input[1].
        f.traced
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model("gpt-4o-mini")
                    .instructions("Be brief.")
                    .input("Q: when?")
                    .build());
      }
      // Detached: a later call is not the prompt's.
      f.traced.chat().completions().create(Fixture.chat("unrelated").build());

      List<ObjectNode> rows = f.rows();
      assertThat(rows).hasSize(4);
      List<ObjectNode> withPrompt =
          rows.stream().filter(r -> r.path("metadata").has("prompt")).toList();
      assertThat(withPrompt).hasSize(3);
      for (ObjectNode row : withPrompt) {
        assertThat(row.at("/input/1/content").asText()).isEqualTo("Q: when?");
        assertThat(row.at("/metadata/prompt/id").asText()).isEqualTo(saved.id());
        assertThat(row.at("/metadata/prompt/project_id").asText()).isEqualTo(pid);
        assertThat(row.at("/metadata/prompt/version").asText()).isEqualTo(saved.version());
        assertThat(row.at("/metadata/prompt/variables/question").asText()).isEqualTo("when?");
        assertThat(row.at("/metadata/model").asText()).isEqualTo("gpt-4o-mini");
      }
      for (RecordedRequest r : server.requests("/v1/proxy/")) {
        assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
            .doesNotContain("prompt_id")
            .doesNotContain(saved.id());
      }
    }
    api.close();
  }
}

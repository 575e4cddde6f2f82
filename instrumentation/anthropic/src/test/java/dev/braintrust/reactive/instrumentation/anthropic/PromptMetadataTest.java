package dev.braintrust.reactive.instrumentation.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.PromptMetadata;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A prompt attached around wrapped Anthropic calls is their spans' {@code metadata.prompt}. */
@ExtendWith(BraintrustTestServerExtension.class)
class PromptMetadataTest {

  @Test
  void callsMadeWhileAPromptIsAttachedRecordItAsMetadataPromptAndNothingElseDoes(
      BraintrustTestServer server) {
    PromptMetadata prompt =
        PromptMetadata.of("prompt-7", "project-3", "1715895278123456", Map.of("city", "Rome"))
            .withPromptSessionId("session-1");
    try (Fixture fx = new Fixture(server)) {
      try (Scope ignored = prompt.attach()) {
        fx.traced.messages().create(Fixture.request("weather in Rome?").build());
        try (StreamResponse<RawMessageStreamEvent> s =
            fx.traced.messages().createStreaming(Fixture.request("weather in Rome?").build())) {
          s.stream().forEach(e -> {});
        }
      }
      fx.traced.messages().create(Fixture.request("unrelated").build());

      List<ObjectNode> rows = fx.rows();
      assertThat(rows).hasSize(3);
      List<ObjectNode> withPrompt =
          rows.stream().filter(r -> r.path("metadata").has("prompt")).toList();
      assertThat(withPrompt).hasSize(2);
      for (ObjectNode row : withPrompt) {
        assertThat(row.at("/metadata/prompt"))
            .isEqualTo(
                Fixture.json(
                    "{\"id\":\"prompt-7\",\"project_id\":\"project-3\","
                        + "\"version\":\"1715895278123456\",\"variables\":{\"city\":\"Rome\"},"
                        + "\"prompt_session_id\":\"session-1\"}"));
        assertThat(row.at("/metadata/model").asText()).isEqualTo("claude-test");
        assertThat(row.get("input").toString()).doesNotContain("prompt-7");
      }
      for (RecordedRequest r : server.requests("/messages")) {
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("prompt-7");
      }
    }
  }
}

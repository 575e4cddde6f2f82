package dev.braintrust.reactive.instrumentation.openai;

import static dev.braintrust.reactive.instrumentation.openai.Fixture.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Provider responses the wrapper does not expect: each still yields a row with what could be read
 * (nothing made up for what is missing), and the caller sees exactly what the unwrapped client
 * gives for the same bytes, value or exception.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class BadProviderResponseTest {
  static final String NO_USAGE =
      "{\"id\":\"chatcmpl-x\",\"object\":\"chat.completion\",\"created\":1,\"model\":"
          + "\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
          + "\"assistant\",\"content\":\"Paris.\"},\"finish_reason\":\"stop\"}]}";

  static final String ODD_CHOICES =
      "{\"id\":\"chatcmpl-y\",\"object\":\"chat.completion\",\"created\":1,\"model\":"
          + "\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
          + "\"content\":[{\"type\":\"hologram\",\"depth\":3}],\"mood\":\"calm\"},"
          + "\"finish_reason\":\"teleported\"}],\"usage\":{\"prompt_tokens\":5}}";

  // A first chunk, then a data line that is not JSON.
  static final String BROKEN_STREAM =
      "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
          + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},"
          + "\"finish_reason\":null}]}\n\n"
          + "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\n\n";

  @Test
  void aCompletionWithoutUsageGivesARowWithOutputAndNoTokenMetrics(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelResponse("application/json", NO_USAGE);
      ChatCompletion raw = f.raw.chat().completions().create(chat("capital?").build());
      server.scriptModelResponse("application/json", NO_USAGE);
      ChatCompletion traced = f.traced.chat().completions().create(chat("capital?").build());

      assertThat(traced).isEqualTo(raw);
      ObjectNode row = f.row("Chat Completion");
      assertThat(row.at("/output/0/message/content").asText()).isEqualTo("Paris.");
      assertThat(row.at("/metadata/model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(row.path("metrics").has("prompt_tokens")).isFalse();
      assertThat(row.path("metrics").has("completion_tokens")).isFalse();
      assertThat(row.path("metrics").has("tokens")).isFalse();
    }
  }

  @Test
  void unknownContentAndFinishReasonArriveAsSentAndOneSidedUsageMakesNoTotal(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelResponse("application/json", ODD_CHOICES);
      ChatCompletion raw = f.raw.chat().completions().create(chat("odd?").build());
      server.scriptModelResponse("application/json", ODD_CHOICES);
      ChatCompletion traced = f.traced.chat().completions().create(chat("odd?").build());

      assertThat(traced).isEqualTo(raw);
      ObjectNode row = f.row("Chat Completion");
      assertThat(row.at("/output/0/finish_reason").asText()).isEqualTo("teleported");
      assertThat(row.at("/output/0/message/content/0/type").asText()).isEqualTo("hologram");
      assertThat(row.at("/metrics/prompt_tokens").asInt()).isEqualTo(5);
      assertThat(row.path("metrics").has("tokens")).isFalse();
    }
  }

  @Test
  void aMalformedStreamGivesTheCallerTheClientsOwnErrorAndStillARow(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelResponse("text/event-stream", BROKEN_STREAM);
      Outcome raw = consume(f.raw);
      server.scriptModelResponse("text/event-stream", BROKEN_STREAM);
      Outcome traced = consume(f.traced);

      assertThat(traced.chunks).isEqualTo(raw.chunks).hasSize(1);
      assertThat(raw.error).isNotNull();
      assertThat(traced.error).isNotNull().hasSameClassAs(raw.error);
      assertThat(traced.error.getMessage()).isEqualTo(raw.error.getMessage());
      ObjectNode row = f.row("Chat Completion");
      assertThat(row.at("/output/0/message/content").asText()).isEqualTo("Hel");
      assertThat(row.path("error").isMissingNode()).isFalse();
      assertThat(row.path("metrics").has("prompt_tokens")).isFalse();
    }
  }

  record Outcome(List<ChatCompletionChunk> chunks, Throwable error) {}

  static Outcome consume(OpenAIClient client) {
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    Throwable error =
        catchThrowable(
            () -> {
              try (StreamResponse<ChatCompletionChunk> s =
                  client.chat().completions().createStreaming(chat("count").build())) {
                s.stream().forEach(chunks::add);
              }
            });
    return new Outcome(chunks, error);
  }
}

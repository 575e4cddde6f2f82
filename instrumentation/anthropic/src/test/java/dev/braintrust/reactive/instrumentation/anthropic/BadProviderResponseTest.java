package dev.braintrust.reactive.instrumentation.anthropic;

import static dev.braintrust.reactive.instrumentation.anthropic.Fixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Messages API responses the wrapper does not expect: each still yields a row with what could be
 * read (nothing made up for what is missing), and the caller sees exactly what the unwrapped client
 * gives for the same bytes.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class BadProviderResponseTest {
  static final String NO_USAGE =
      "{\"id\":\"msg_x\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
          + "\"claude-haiku-4-5-20251001\",\"content\":[{\"type\":\"text\",\"text\":\"Paris.\"}],"
          + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null}";

  static final String UNKNOWN_BLOCK =
      "{\"id\":\"msg_y\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-test\","
          + "\"content\":[{\"type\":\"hologram\",\"depth\":3},{\"type\":\"text\",\"text\":\"hi\"}],"
          + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
          + "\"usage\":{\"input_tokens\":4,\"output_tokens\":2,\"cache_creation_input_tokens\":7}}";

  // message_start, an event type no client knows, one delta, then the stream just stops.
  static final String CUT_STREAM =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_z\","
          + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-test\",\"content\":[],"
          + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,"
          + "\"output_tokens\":1}}}\n\n"
          + "event: mystery\ndata: {\"type\":\"mystery\",\"x\":1}\n\n"
          + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
          + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
          + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n";

  @Test
  void aMessageWithoutUsageGivesARowWithOutputAndNoTokenMetrics(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelResponse("application/json", NO_USAGE);
      Message raw = f.plain.messages().create(request("capital?").build());
      server.scriptModelResponse("application/json", NO_USAGE);
      Message traced = f.traced.messages().create(request("capital?").build());

      assertThat(traced).isEqualTo(raw);
      ObjectNode row = f.row("anthropic.messages.create");
      assertThat(row.at("/output/content/0/text").asText()).isEqualTo("Paris.");
      assertThat(row.at("/metadata/model").asText()).isEqualTo("claude-haiku-4-5-20251001");
      assertThat(row.path("metrics").has("prompt_tokens")).isFalse();
      assertThat(row.path("metrics").has("tokens")).isFalse();
    }
  }

  @Test
  void anUnknownContentBlockIsKeptAsSentAndAnAggregateCacheWriteIsNotSplit(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelResponse("application/json", UNKNOWN_BLOCK);
      Message raw = f.plain.messages().create(request("odd?").build());
      server.scriptModelResponse("application/json", UNKNOWN_BLOCK);
      Message traced = f.traced.messages().create(request("odd?").build());

      assertThat(traced).isEqualTo(raw);
      ObjectNode row = f.row("anthropic.messages.create");
      assertThat(row.at("/output/content/0/type").asText()).isEqualTo("hologram");
      assertThat(row.at("/output/content/1/text").asText()).isEqualTo("hi");
      // No nested breakdown: the aggregate only, never a made-up 5m/1h split.
      assertThat(row.at("/metrics/prompt_cache_creation_tokens").asInt()).isEqualTo(7);
      assertThat(row.path("metrics").has("prompt_cache_creation_5m_tokens")).isFalse();
      assertThat(row.at("/metrics/prompt_tokens").asInt()).isEqualTo(11);
    }
  }

  @Test
  void aStreamWithAnUnknownEventThatStopsShortStillGivesARow(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelResponse("text/event-stream", CUT_STREAM);
      Outcome raw = consume(f.plain);
      server.scriptModelResponse("text/event-stream", CUT_STREAM);
      Outcome traced = consume(f.traced);

      assertThat(traced.events).isEqualTo(raw.events);
      assertThat(traced.error == null ? null : traced.error.getClass())
          .isEqualTo(raw.error == null ? null : raw.error.getClass());
      ObjectNode row = f.row("anthropic.messages.stream");
      assertThat(row.at("/output/content/0/text").asText()).isEqualTo("Hel");
      assertThat(row.at("/metrics/prompt_tokens").asInt()).isEqualTo(3);
    }
  }

  record Outcome(List<RawMessageStreamEvent> events, Throwable error) {}

  static Outcome consume(AnthropicClient client) {
    List<RawMessageStreamEvent> events = new ArrayList<>();
    Throwable error =
        catchThrowable(
            () -> {
              try (StreamResponse<RawMessageStreamEvent> s =
                  client.messages().createStreaming(request("count").build())) {
                s.stream().forEach(events::add);
              }
            });
    return new Outcome(events, error);
  }
}

package dev.braintrust.reactive.instrumentation.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * What tracing must not change: the same prompt through a traced model (our handler on its
 * registry, its streams timed) and an untraced one (no observations) puts the same bytes and
 * headers on the wire, and the same canned answer comes back as equal responses.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class WireIdentityTest {
  static final String COMPLETION =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
          + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":\"Paris.\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14,"
          + "\"prompt_tokens_details\":{\"cached_tokens\":3}}}";

  static String chunk(String delta, String finish) {
    return "data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":"
        + delta
        + ",\"finish_reason\":"
        + finish
        + "}]}\n\n";
  }

  static final String STREAM =
      chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null")
          + chunk("{\"content\":\"Par\"}", "null")
          + chunk("{\"content\":\"is.\"}", "null")
          + chunk("{}", "\"stop\"")
          + "data: [DONE]\n\n";

  static Prompt prompt() {
    return new Prompt(
        List.of(new SystemMessage("be brief"), new UserMessage("What is the capital of France?")));
  }

  /** The request as it arrived; headers sorted, the per-connection ones left out. */
  static Map<String, String> headers(RecordedRequest r) {
    Map<String, String> h = new TreeMap<>(r.headers());
    h.remove("host");
    return h;
  }

  @Test
  void aTracedCallSendsTheSameBytesAndReturnsAnEqualResponse(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ChatModel plain = f.rawModel(Fixture.options().build(), ObservationRegistry.NOOP);
      ChatModel traced = f.model();

      server.scriptModelResponse("application/json", COMPLETION);
      ChatResponse plainResponse = plain.call(prompt());
      server.scriptModelResponse("application/json", COMPLETION);
      ChatResponse tracedResponse = traced.call(prompt());

      List<RecordedRequest> sent = server.requests("chat/completions");
      assertThat(sent).hasSize(2);
      assertThat(sent.get(1).body()).isEqualTo(sent.get(0).body());
      assertThat(headers(sent.get(1))).isEqualTo(headers(sent.get(0)));
      assertThat(tracedResponse.getResults()).isEqualTo(plainResponse.getResults());
      assertThat(tracedResponse.getMetadata().getId())
          .isEqualTo(plainResponse.getMetadata().getId());
      assertThat(tracedResponse.getMetadata().getModel())
          .isEqualTo(plainResponse.getMetadata().getModel());
      assertThat(tracedResponse.getMetadata().getUsage().getNativeUsage())
          .isEqualTo(plainResponse.getMetadata().getUsage().getNativeUsage());
      assertThat(f.row("Chat Completion").path("metrics").path("prompt_cached_tokens").asInt())
          .isEqualTo(3);
    }
  }

  @Test
  void aTracedStreamSendsTheSameBytesAndDeliversEqualChunks(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ChatModel plain = f.rawModel(Fixture.options().build(), ObservationRegistry.NOOP);
      ChatModel traced = f.model();

      server.scriptModelResponse("text/event-stream", STREAM);
      List<ChatResponse> plainChunks = plain.stream(prompt()).collectList().block(Fixture.T);
      server.scriptModelResponse("text/event-stream", STREAM);
      List<ChatResponse> tracedChunks = traced.stream(prompt()).collectList().block(Fixture.T);

      List<RecordedRequest> sent = server.requests("chat/completions");
      assertThat(sent).hasSize(2);
      assertThat(sent.get(1).body()).isEqualTo(sent.get(0).body());
      assertThat(headers(sent.get(1))).isEqualTo(headers(sent.get(0)));
      assertThat(tracedChunks).hasSameSizeAs(plainChunks);
      for (int i = 0; i < plainChunks.size(); i++) {
        assertThat(tracedChunks.get(i).getResults()).isEqualTo(plainChunks.get(i).getResults());
        assertThat(tracedChunks.get(i).getMetadata().getId())
            .isEqualTo(plainChunks.get(i).getMetadata().getId());
      }
    }
  }
}

package dev.braintrust.reactive.instrumentation.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.anthropic.core.ObjectMappers;
import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.WebSearchTool20250305;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Extended thinking and server tools (web search) through the real anthropic-java client and the
 * testkit's Messages route: the thinking block (with its signature) and the search blocks are kept
 * in the output in Anthropic's own shape, whole or streamed, and the request and response are the
 * same with and without the wrapper.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class AnthropicThinkingAndSearchTest {
  private static final String CREATE = "anthropic.messages.create";
  private static final String STREAM = "anthropic.messages.stream";

  private Fixture fx;

  @BeforeEach
  void setUp(BraintrustTestServer server) {
    fx = new Fixture(server);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private static MessageCreateParams thinking(String question) {
    return MessageCreateParams.builder()
        .model("claude-sonnet-4-5")
        .maxTokens(4096)
        .enabledThinking(2048)
        .addUserMessage(question)
        .build();
  }

  private static MessageCreateParams search(String question) {
    return MessageCreateParams.builder()
        .model("claude-sonnet-4-5")
        .maxTokens(1024)
        .addTool(WebSearchTool20250305.builder().maxUses(3L).build())
        .addUserMessage(question)
        .build();
  }

  /** As JSON re-read from text, so number node types (int or long) don't matter. */
  private static JsonNode json(Object value) {
    JsonNode tree = value instanceof JsonNode n ? n : ObjectMappers.jsonMapper().valueToTree(value);
    return Fixture.json(tree.toString());
  }

  private static List<RawMessageStreamEvent> read(StreamResponse<RawMessageStreamEvent> s) {
    try (s) {
      return s.stream().toList();
    }
  }

  @Test
  void aThinkingBlockIsKeptInTheOutputWithItsSignatureAndTheBudgetStaysOutOfMetadata() {
    Message message = fx.traced.messages().create(thinking("Why is the sky blue?"));

    ObjectNode row = fx.row(CREATE);
    assertThat(json(row.get("output"))).isEqualTo(json(message));
    JsonNode first = row.at("/output/content/0");
    assertThat(first.get("type").asText()).isEqualTo("thinking");
    assertThat(first.get("thinking").asText()).isEqualTo("Thinking about: Why is the sky blue?");
    assertThat(first.get("signature").asText()).startsWith("sig_fake");
    assertThat(row.at("/output/content/1/type").asText()).isEqualTo("text");
    assertThat(row.at("/metadata").has("thinking")).isFalse();
    assertThat(row.at("/metadata/max_tokens").asInt()).isEqualTo(4096);
    assertThat(row.at("/metrics/completion_tokens").asLong())
        .isEqualTo(message.usage().outputTokens());
  }

  @Test
  void streamedThinkingDeltasAndTheSignatureAreJoinedIntoTheThinkingBlock() {
    List<RawMessageStreamEvent> events =
        read(fx.traced.messages().createStreaming(thinking("count the stars")));

    assertThat(
            events.stream()
                .filter(
                    e -> e.isContentBlockDelta() && e.asContentBlockDelta().delta().isThinking()))
        .hasSizeGreaterThan(1);
    ObjectNode row = fx.row(STREAM);
    JsonNode block = row.at("/output/content/0");
    assertThat(block.get("type").asText()).isEqualTo("thinking");
    assertThat(block.get("thinking").asText()).isEqualTo("Thinking about: count the stars");
    assertThat(block.get("signature").asText()).startsWith("sig_fake");
    assertThat(row.at("/output/content/1/text").asText()).isEqualTo("echo: count the stars");
    assertThat(row.at("/output/stop_reason").asText()).isEqualTo("end_turn");
    assertThat(row.at("/metrics").has("time_to_first_token")).isTrue();
    assertThat(row.at("/metadata").has("cancelled")).isFalse();
  }

  @Test
  void aStreamedThinkingAnswerEqualsTheWholeOneInTheRow() {
    Message whole = fx.plain.messages().create(thinking("same answer"));
    read(fx.traced.messages().createStreaming(thinking("same answer")));

    ObjectNode streamed = (ObjectNode) json(fx.row(STREAM).get("output"));
    ObjectNode expected = (ObjectNode) json(whole);
    // Ids and signatures are per call; the rest of the message must be the same.
    for (ObjectNode m : List.of(streamed, expected)) {
      m.remove("id");
      ((ObjectNode) m.at("/content/0")).remove("signature");
    }
    assertThat(streamed).isEqualTo(expected);
  }

  @Test
  void anAsyncThinkingStreamIsRecordedBeforeItsHandlerHearsTheEnd() throws Exception {
    AsyncStreamResponse<RawMessageStreamEvent> stream =
        fx.traced.async().messages().createStreaming(thinking("async thoughts"));
    stream.subscribe(
        new AsyncStreamResponse.Handler<>() {
          @Override
          public void onNext(RawMessageStreamEvent e) {}

          @Override
          public void onComplete(Optional<Throwable> error) {}
        });
    stream.onCompleteFuture().get(30, TimeUnit.SECONDS);

    ObjectNode row = fx.row(STREAM);
    assertThat(row.at("/output/content/0/thinking").asText())
        .isEqualTo("Thinking about: async thoughts");
    assertThat(row.at("/output/content/1/text").asText()).isEqualTo("echo: async thoughts");
  }

  @Test
  void closingAStreamMidThoughtRecordsTheThinkingSoFarAsCancelled() {
    fx.server.sseEventDelay(Duration.ofMillis(100));
    String first;
    try (StreamResponse<RawMessageStreamEvent> s =
        fx.traced.messages().createStreaming(thinking("one two three four five six"))) {
      Iterator<RawMessageStreamEvent> it = s.stream().iterator();
      RawMessageStreamEvent e = it.next();
      while (!(e.isContentBlockDelta() && e.asContentBlockDelta().delta().isThinking())) {
        e = it.next();
      }
      first = e.asContentBlockDelta().delta().asThinking().thinking();
    }

    assertThat(first).isEqualTo("Thinking ");
    ObjectNode row = fx.row(STREAM);
    assertThat(row.at("/metadata/cancelled").asBoolean()).isTrue();
    assertThat(row.at("/output/content/0/type").asText()).isEqualTo("thinking");
    assertThat(row.at("/output/content/0/thinking").asText()).isEqualTo("Thinking ");
    assertThat(row.at("/output/content")).hasSize(1);
    assertThat(row.at("/metrics").has("time_to_first_token")).isTrue();
  }

  @Test
  void aThinkingBudgetTheApiRefusesIsTheSameExceptionAndAnErrorSpan() {
    MessageCreateParams bad =
        MessageCreateParams.builder()
            .model("claude-sonnet-4-5")
            .maxTokens(4096)
            .enabledThinking(100)
            .addUserMessage("hi")
            .build();
    Throwable plain = catchThrowable(() -> fx.plain.messages().create(bad));
    Throwable traced = catchThrowable(() -> fx.traced.messages().create(bad));

    assertThat(traced).isInstanceOf(BadRequestException.class).hasMessage(plain.getMessage());
    assertThat(traced.getMessage()).contains("budget_tokens");
    assertThat(fx.row(CREATE).get("error").asText()).contains("BadRequestException");
  }

  @Test
  void aWebSearchKeepsTheServerToolBlocksInTheOutputAndTheToolInItsNativeShape() {
    Message message = fx.traced.messages().create(search("latest Java release"));

    ObjectNode row = fx.row(CREATE);
    assertThat(json(row.get("output"))).isEqualTo(json(message));
    assertThat(row.at("/output/content/0/type").asText()).isEqualTo("server_tool_use");
    assertThat(row.at("/output/content/0/input/query").asText()).isEqualTo("latest Java release");
    assertThat(row.at("/output/content/1/type").asText()).isEqualTo("web_search_tool_result");
    assertThat(row.at("/output/content/1/content/0/type").asText()).isEqualTo("web_search_result");
    assertThat(row.at("/output/content/2/text").asText()).isEqualTo("echo: latest Java release");
    JsonNode tool = row.at("/metadata/tools/0");
    assertThat(tool.get("type").asText()).isEqualTo("web_search_20250305");
    assertThat(tool.get("name").asText()).isEqualTo("web_search");
    assertThat(tool.get("max_uses").asInt()).isEqualTo(3);
    assertThat(tool.has("function")).isFalse();
  }

  @Test
  void aStreamedWebSearchJoinsTheQueryAndKeepsTheResultBlock() {
    List<RawMessageStreamEvent> events =
        read(fx.traced.messages().createStreaming(search("weather in Oslo")));

    assertThat(events).isNotEmpty();
    ObjectNode row = fx.row(STREAM);
    assertThat(row.at("/output/content/0/type").asText()).isEqualTo("server_tool_use");
    assertThat(row.at("/output/content/0/input/query").asText()).isEqualTo("weather in Oslo");
    assertThat(row.at("/output/content/1/type").asText()).isEqualTo("web_search_tool_result");
    assertThat(row.at("/output/content/1/content/0/title").asText())
        .isEqualTo("Result for: weather in Oslo");
    assertThat(row.at("/output/content/2/text").asText()).isEqualTo("echo: weather in Oslo");
    assertThat(row.at("/output/usage/server_tool_use/web_search_requests").asInt()).isEqualTo(1);
  }

  @Test
  void noTimeToFirstTokenIsRecordedForAStreamWithoutAnyGeneratedContent() {
    String stream =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
            + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],"
            + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
            + "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":0}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    fx.server.scriptModelResponse("text/event-stream", stream);
    read(fx.traced.messages().createStreaming(Fixture.request("nothing").build()));

    ObjectNode row = fx.row(STREAM);
    assertThat(row.at("/output/stop_reason").asText()).isEqualTo("end_turn");
    assertThat(row.at("/metrics").has("time_to_first_token")).isFalse();
  }

  @Test
  void aWrappedClientSendsTheSameBytesAndGetsTheSameThinkingAndSearchAnswer() {
    MessageCreateParams params =
        MessageCreateParams.builder()
            .model("claude-sonnet-4-5")
            .maxTokens(4096)
            .enabledThinking(2048)
            .addTool(WebSearchTool20250305.builder().maxUses(2L).build())
            .addUserMessage("same?")
            .build();
    Message plain = fx.plain.messages().create(params);
    Message traced = fx.traced.messages().create(params);
    List<RawMessageStreamEvent> plainEvents = read(fx.plain.messages().createStreaming(params));
    List<RawMessageStreamEvent> tracedEvents = read(fx.traced.messages().createStreaming(params));

    ObjectNode a = (ObjectNode) json(plain);
    ObjectNode b = (ObjectNode) json(traced);
    // The fake numbers its ids and signatures per call; everything else must be equal.
    String normalized = "\"(msg|srvtoolu|sig)_fake\\d+\"";
    assertThat(b.toString().replaceAll(normalized, "id"))
        .isEqualTo(a.toString().replaceAll(normalized, "id"));
    assertThat(json(tracedEvents).toString().replaceAll(normalized, "id"))
        .isEqualTo(json(plainEvents).toString().replaceAll(normalized, "id"));
    List<RecordedRequest> sent = fx.server.requests("/v1/messages");
    assertThat(sent).hasSize(4);
    assertThat(sent.get(1).body()).isEqualTo(sent.get(0).body());
    assertThat(sent.get(3).body()).isEqualTo(sent.get(2).body());
    assertThat(sent.get(1).headers()).isEqualTo(sent.get(0).headers());
    assertThat(sent.get(3).headers()).isEqualTo(sent.get(2).headers());
  }
}

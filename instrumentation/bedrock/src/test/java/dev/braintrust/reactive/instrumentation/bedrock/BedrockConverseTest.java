package dev.braintrust.reactive.instrumentation.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/** Whole-reply Converse calls over a real socket, sync and async: rows, tools, pass-through. */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes are opened only to make a span current
class BedrockConverseTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // Differ per call by design (signature, signing time, invocation id, attempt); all else must not.
  private static final List<String> VOLATILE =
      List.of("authorization", "x-amz-date", "amz-sdk-invocation-id", "amz-sdk-request");

  private Fixture fx;

  @BeforeEach
  void setUp(BraintrustTestServer server) {
    fx = new Fixture(server);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void aSyncConverseIsAnLlmSpanUnderTheCurrentSpanWithTheRowTheGuideAsksFor() {
    Span root = fx.tracer.startSpan("request", SpanType.TASK);
    try (Scope ignored = root.makeCurrent()) {
      fx.traced.converse(Fixture.request("hello there"));
    } finally {
      root.end();
    }

    ObjectNode row = fx.row("bedrock.converse");
    assertThat(row.path("span_parents"))
        .extracting(JsonNode::asText)
        .containsExactly(root.spanId());
    assertThat(row.path("span_attributes").path("type").asText()).isEqualTo("llm");
    assertThat(row.get("input"))
        .isEqualTo(
            json(
                "[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"be brief\"}]},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hello there\"}]}]"));
    assertThat(row.get("output"))
        .isEqualTo(
            json(
                "[{\"role\":\"assistant\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"echo: hello there\"}]}]"));
    assertThat(row.get("metadata"))
        .isEqualTo(
            json(
                "{\"provider\":\"bedrock\",\"model\":\"us.amazon.nova-lite-v1:0\","
                    + "\"max_tokens\":64,\"temperature\":0.5}"));
    JsonNode metrics = row.get("metrics");
    // "be brief" + "hello there" in, "echo: hello there" out: the fake counts words.
    assertThat(metrics.get("prompt_tokens").asInt()).isEqualTo(4);
    assertThat(metrics.get("completion_tokens").asInt()).isEqualTo(3);
    assertThat(metrics.get("tokens").asInt()).isEqualTo(7);
    assertThat(metrics.has("time_to_first_token")).isFalse();
    assertThat(
            row.path("context").path("span_origin").path("instrumentation").path("name").asText())
        .isEqualTo("instrumentation-bedrock");
  }

  @Test
  void anAsyncConverseParentsUnderTheCallersSpanAndHasEndedWhenTheFutureCompletes()
      throws Exception {
    Span root = fx.tracer.startSpan("request", SpanType.TASK);
    ConverseResponse reply;
    try (Scope ignored = root.makeCurrent()) {
      reply = fx.tracedAsync.converse(Fixture.request("hi async")).get(30, TimeUnit.SECONDS);
    } finally {
      root.end();
    }

    assertThat(reply.output().message().content().get(0).text()).isEqualTo("echo: hi async");
    ObjectNode row = fx.row("bedrock.converse");
    assertThat(row.path("span_parents"))
        .extracting(JsonNode::asText)
        .containsExactly(root.spanId());
    assertThat(row.path("output").get(0).path("content").get(0).path("text").asText())
        .isEqualTo("echo: hi async");
    assertThat(row.path("metrics").path("tokens").asInt()).isEqualTo(7);
  }

  @Test
  void aToolCallIsRecordedWithTheToolsAndChoiceInTheOpenAiShape() {
    fx.server.scriptModelToolCall("get_weather", "{\"city\":\"Paris\"}");
    ConverseRequest request = toolRequest();

    ConverseResponse reply = fx.traced.converse(request);

    ToolUseBlock use = reply.output().message().content().get(0).toolUse();
    assertThat(use.name()).isEqualTo("get_weather");
    assertThat(use.input().asMap().get("city").asString()).isEqualTo("Paris");
    ObjectNode row = fx.row("bedrock.converse");
    JsonNode block = row.path("output").get(0).path("content").get(0);
    assertThat(block.path("type").asText()).isEqualTo("tool_use");
    assertThat(block.path("toolUse").path("name").asText()).isEqualTo("get_weather");
    assertThat(block.path("toolUse").path("toolUseId").asText()).isEqualTo(use.toolUseId());
    assertThat(block.path("toolUse").path("input")).isEqualTo(json("{\"city\":\"Paris\"}"));
    assertThat(row.path("metadata").get("tools"))
        .isEqualTo(
            json(
                "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                    + "\"description\":\"Weather in a city\",\"parameters\":"
                    + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                    + "\"required\":[\"city\"]}}}]"));
    assertThat(row.path("metadata").get("tool_choice").asText()).isEqualTo("required");
  }

  @Test
  void wrappedClientsSendByteIdenticalRequestsAndReturnEqualReplies() throws Exception {
    ConverseRequest request = toolRequest();
    // The same reply verbatim each time: a tool call, with unicode and a cache-read count.
    String reply =
        "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":["
            + "{\"text\":\"Looking up \u00e9t\u00e9 weather\"},"
            + "{\"toolUse\":{\"toolUseId\":\"t-1\",\"name\":\"get_weather\","
            + "\"input\":{\"city\":\"Paris\"}}}]}},\"stopReason\":\"tool_use\","
            + "\"usage\":{\"inputTokens\":12,\"outputTokens\":9,\"totalTokens\":29,"
            + "\"cacheReadInputTokens\":8},\"metrics\":{\"latencyMs\":40}}";
    for (int i = 0; i < 4; i++) {
      fx.server.scriptModelResponse("application/json", reply);
    }
    ConverseResponse plain = fx.plain.converse(request);
    ConverseResponse traced = fx.traced.converse(request);
    ConverseResponse plainAsync = fx.plainAsync.converse(request).get(30, TimeUnit.SECONDS);
    ConverseResponse tracedAsync = fx.tracedAsync.converse(request).get(30, TimeUnit.SECONDS);

    assertThat(traced).isEqualTo(plain);
    assertThat(tracedAsync).isEqualTo(plainAsync);
    List<RecordedRequest> sent = fx.server.requests("/model/");
    assertThat(sent).hasSize(4);
    assertSameWire(sent.get(1), sent.get(0));
    assertSameWire(sent.get(3), sent.get(2));
    List<ObjectNode> rows = fx.rows("bedrock.converse");
    assertThat(rows).hasSize(2);
    for (ObjectNode row : rows) {
      JsonNode metrics = row.get("metrics");
      // Bedrock's inputTokens leaves out cache reads; prompt_tokens counts the whole prompt.
      assertThat(metrics.get("prompt_tokens").asInt()).isEqualTo(20);
      assertThat(metrics.get("prompt_cached_tokens").asInt()).isEqualTo(8);
      assertThat(metrics.get("completion_tokens").asInt()).isEqualTo(9);
      assertThat(metrics.get("tokens").asInt()).isEqualTo(29);
    }
  }

  static void assertSameWire(RecordedRequest traced, RecordedRequest plain) {
    assertThat(traced.method()).isEqualTo(plain.method());
    assertThat(traced.path()).isEqualTo(plain.path());
    assertThat(traced.body()).isEqualTo(plain.body());
    assertThat(stable(traced.headers())).isEqualTo(stable(plain.headers()));
    for (String h : VOLATILE.subList(0, 2)) {
      assertThat(traced.header(h)).as(h).isNotNull();
    }
  }

  private static Map<String, String> stable(Map<String, String> headers) {
    Map<String, String> out = new TreeMap<>(headers);
    VOLATILE.forEach(out::remove);
    return out;
  }

  static ConverseRequest toolRequest() {
    Document schema =
        Document.mapBuilder()
            .putString("type", "object")
            .putDocument(
                "properties",
                Document.mapBuilder()
                    .putDocument("city", Document.mapBuilder().putString("type", "string").build())
                    .build())
            .putList("required", b -> b.addString("city"))
            .build();
    Tool tool =
        Tool.fromToolSpec(
            ToolSpecification.builder()
                .name("get_weather")
                .description("Weather in a city")
                .inputSchema(ToolInputSchema.fromJson(schema))
                .build());
    return ConverseRequest.builder()
        .modelId(Fixture.MODEL)
        .messages(Fixture.user("weather in Paris?"))
        .toolConfig(
            ToolConfiguration.builder().tools(tool).toolChoice(ToolChoice.fromAny(b -> {})).build())
        .build();
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}

package dev.braintrust.reactive.instrumentation.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.JsonValue;
import com.anthropic.errors.BadRequestException;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceTool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracing;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Whole-message calls over a real socket: span tree, row contents, errors, pass-through. */
@ExtendWith(BraintrustTestServerExtension.class)
class BraintrustAnthropicTest {
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
  void aCallIsAnLlmSpanUnderTheCurrentSpanWithInputOutputMetadataAndMetrics() {
    MessageCreateParams params =
        Fixture.request("hello there")
            .putAdditionalBodyProperty("temperature", JsonValue.from(0.2))
            .build();
    Span root = fx.tracer.startSpan("handle", SpanType.TASK);
    Message reply;
    try (Scope ignored = root.makeCurrent()) {
      reply = fx.traced.messages().create(params);
    } finally {
      root.end();
    }

    assertThat(reply.content().get(0).asText().text()).isEqualTo("echo: hello there");
    ObjectNode row = fx.row("anthropic.messages.create");
    assertThat(row.get("span_attributes").get("type").asText()).isEqualTo("llm");
    assertThat(row.get("root_span_id").asText()).isEqualTo(root.rootSpanId());
    assertThat(row.get("span_parents")).extracting(JsonNode::asText).containsExactly(root.spanId());
    // The messages as sent, then the system prompt, where the spec's cases expect it.
    assertThat(row.get("input"))
        .isEqualTo(
            Fixture.json(
                "[{\"role\":\"user\",\"content\":\"hello there\"},{\"role\":\"system\",\"content\":\"be brief\"}]"));
    JsonNode output = row.get("output");
    assertThat(output.get("id").asText()).isEqualTo(reply.id());
    assertThat(output.get("role").asText()).isEqualTo("assistant");
    assertThat(output.get("content").get(0).get("text").asText()).isEqualTo("echo: hello there");
    assertThat(output.get("stop_reason").asText()).isEqualTo("end_turn");
    JsonNode metadata = row.get("metadata");
    assertThat(metadata.get("provider").asText()).isEqualTo("anthropic");
    assertThat(metadata.get("model").asText()).isEqualTo("claude-test");
    assertThat(metadata.get("max_tokens").asInt()).isEqualTo(64);
    assertThat(metadata.get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(metadata.has("messages")).isFalse();
    // An explicit allowlist: nothing but the listed request fields.
    assertThat(metadata.properties().stream().map(Map.Entry::getKey))
        .containsExactlyInAnyOrder("provider", "model", "max_tokens", "temperature");
    assertThat(row.at("/context/span_origin/instrumentation/name").asText())
        .isEqualTo("instrumentation-anthropic");
    JsonNode m = row.get("metrics");
    assertThat(m.get("prompt_tokens").asInt()).isEqualTo(4);
    assertThat(m.get("completion_tokens").asInt()).isEqualTo(3);
    assertThat(m.get("tokens").asInt()).isEqualTo(7);
    assertThat(m.get("prompt_cached_tokens").asInt()).isZero();
    assertThat(m.get("end").asDouble()).isGreaterThanOrEqualTo(m.get("start").asDouble());
    assertThat(m.get("start").asDouble())
        .isGreaterThanOrEqualTo(fx.row("handle").get("metrics").get("start").asDouble());
    // The client sent what the real SDK sends, where the testkit serves it.
    RecordedRequest sent = fx.server.requests("/v1/proxy/v1/messages").get(0);
    // 3.x sends the key as a Bearer token, 2.x as x-api-key; the testkit takes either.
    assertThat(sent.header("authorization")).isEqualTo("Bearer " + fx.server.apiKey());
    assertThat(sent.header("anthropic-version")).isNotBlank();
  }

  @Test
  void toolsAreRecordedAsParametersToolCallsAsOutputAndCachedTokensApart() {
    Tool weather =
        Tool.builder()
            .name("weather")
            .inputSchema(
                Tool.InputSchema.builder()
                    .properties(
                        Tool.InputSchema.Properties.builder()
                            .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string")))
                            .build())
                    .required(List.of("city"))
                    .build())
            .build();
    MessageCreateParams params =
        MessageCreateParams.builder()
            .model("claude-test")
            .maxTokens(64)
            .systemOfTextBlockParams(
                List.of(
                    TextBlockParam.builder()
                        .text("you know the weather everywhere")
                        .cacheControl(CacheControlEphemeral.builder().build())
                        .build()))
            .addUserMessage("Paris")
            .addTool(weather)
            .toolChoice(ToolChoiceTool.builder().name("weather").build())
            .build();

    Message reply = fx.traced.messages().create(params);

    assertThat(reply.content().get(0).asToolUse().name()).isEqualTo("weather");
    ObjectNode row = fx.row("anthropic.messages.create");
    JsonNode call = row.get("output").get("content").get(0);
    assertThat(call.get("type").asText()).isEqualTo("tool_use");
    assertThat(call.get("id").asText()).isEqualTo(reply.content().get(0).asToolUse().id());
    assertThat(call.get("input").get("city").asText()).isEqualTo("Paris");
    assertThat(row.get("output").get("stop_reason").asText()).isEqualTo("tool_use");
    // Tools and tool_choice in the OpenAI shape the guide asks for.
    JsonNode tool = row.get("metadata").get("tools").get(0);
    assertThat(tool.get("type").asText()).isEqualTo("function");
    assertThat(tool.at("/function/name").asText()).isEqualTo("weather");
    assertThat(tool.at("/function/parameters/required/0").asText()).isEqualTo("city");
    assertThat(row.get("metadata").get("tool_choice"))
        .isEqualTo(Fixture.json("{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}"));
    JsonNode system = row.get("input").get(1);
    assertThat(system.get("role").asText()).isEqualTo("system");
    assertThat(system.get("content").get(0).get("cache_control").get("type").asText())
        .isEqualTo("ephemeral");
    JsonNode m = row.get("metrics");
    // 5 cached words of the system prompt plus 1 uncached word of the question.
    assertThat(m.get("prompt_cached_tokens").asInt()).isEqualTo(5);
    assertThat(m.get("prompt_tokens").asInt()).isEqualTo(6);
    assertThat(m.get("tokens").asInt()).isEqualTo(6 + m.get("completion_tokens").asInt());
  }

  @Test
  void aRefusedRequestIsRecordedAndItsExceptionRethrownUnchanged() {
    MessageCreateParams bad = Fixture.request("hi").maxTokens(0).build();

    BadRequestException untraced =
        catchThrowableOfType(BadRequestException.class, () -> fx.plain.messages().create(bad));
    BadRequestException traced =
        catchThrowableOfType(BadRequestException.class, () -> fx.traced.messages().create(bad));

    assertThat(traced.getClass()).isEqualTo(untraced.getClass());
    assertThat(traced.statusCode()).isEqualTo(400);
    assertThat(traced.getMessage())
        .isEqualTo(untraced.getMessage())
        .contains("max_tokens: Input should be greater than or equal to 1");
    ObjectNode row = fx.row("anthropic.messages.create");
    assertThat(row.get("error").asText())
        .contains(BadRequestException.class.getName())
        .contains("max_tokens: Input should be greater than or equal to 1");
    assertThat(row.has("output")).isFalse();
    assertThat(row.get("metadata").get("max_tokens").asInt()).isZero();
  }

  @Test
  void aCallInsideAReactiveChainIsAChildOfTheContextsSpan() {
    Message reply =
        fx.tracer
            .mono(
                "pipeline",
                SpanType.TASK,
                span ->
                    Mono.just("hi")
                        .publishOn(Schedulers.boundedElastic())
                        .flatMap(
                            q ->
                                Tracing.fromCallable(
                                    () -> fx.traced.messages().create(Fixture.request(q).build()))))
            .block(Duration.ofSeconds(10));

    assertThat(reply).isNotNull();
    ObjectNode parent = fx.row("pipeline");
    ObjectNode llm = fx.row("anthropic.messages.create");
    assertThat(llm.get("span_parents").get(0).asText()).isEqualTo(parent.get("span_id").asText());
    assertThat(llm.get("root_span_id").asText()).isEqualTo(parent.get("root_span_id").asText());
  }

  @Test
  void overloadsOptionsAndRewrappingEachTraceACallOnce() {
    AnthropicClient twice = BraintrustAnthropic.wrap(fx.traced, fx.tracer);
    MessageCreateParams params = Fixture.request("one").build();

    twice.messages().create(params);
    fx.traced.withOptions(o -> o.maxRetries(0)).messages().create(params);
    fx.traced.messages().withOptions(o -> o.maxRetries(0)).create(params);
    fx.traced.async().sync().messages().create(params);

    assertThat(fx.rows())
        .hasSize(4)
        .allSatisfy(
            r ->
                assertThat(r.get("span_attributes").get("name").asText())
                    .isEqualTo("anthropic.messages.create"));
    assertThat(fx.traced.messages()).isSameAs(fx.traced.messages());
    assertThat(fx.traced.toString()).isEqualTo(fx.plain.toString());
    // Untraced services pass straight through.
    assertThat(fx.traced.models()).isSameAs(fx.plain.models());
  }

  @Test
  void withoutAParentTheCallIsARootSpan() {
    fx.traced.messages().create(Fixture.request("alone").build());

    ObjectNode row = fx.row("anthropic.messages.create");
    assertThat(row.has("span_parents")).isFalse();
    assertThat(row.get("input").get(0).get("content").asText()).isEqualTo("alone");
  }
}

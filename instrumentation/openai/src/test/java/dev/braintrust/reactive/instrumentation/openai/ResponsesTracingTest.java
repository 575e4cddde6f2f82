package dev.braintrust.reactive.instrumentation.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.models.Reasoning;
import com.openai.models.ReasoningEffort;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whole (non-streamed) Responses API calls through the real openai-java client and the testkit's
 * fake {@code /v1/responses}: sync and async, reasoning items, function tools, {@code
 * previous_response_id} threads, errors, and that wrapping changes neither the request nor the
 * response.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class ResponsesTracingTest {
  static final String SPAN = "openai.responses.create";

  static ResponseCreateParams.Builder ask(String question) {
    return ResponseCreateParams.builder().model("gpt-4.1-mini").input(question);
  }

  static FunctionTool weatherTool() {
    return FunctionTool.builder()
        .name("get_weather")
        .description("Current weather in a city")
        .parameters(
            FunctionTool.Parameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty(
                    "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                .build())
        .strict(false)
        .build();
  }

  static JsonNode json(Object value) {
    return ObjectMappers.jsonMapper().valueToTree(value);
  }

  @Test
  void aWholeResponseIsAnLlmSpanWithTheInputMessagesOutputItemsAndUsage(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("Paris.");
      Response response =
          f.traced
              .responses()
              .create(
                  ask("Capital of France?")
                      .instructions("Answer briefly.")
                      .temperature(0.2)
                      .build());

      ObjectNode row = f.row(SPAN);
      assertThat(row.at("/span_attributes/type").asText()).isEqualTo("llm");
      assertThat(row.at("/input/0/role").asText()).isEqualTo("system");
      assertThat(row.at("/input/0/content").asText()).isEqualTo("Answer briefly.");
      assertThat(row.at("/input/1/role").asText()).isEqualTo("user");
      assertThat(row.at("/input/1/content").asText()).isEqualTo("Capital of France?");
      assertThat(row.at("/input")).hasSize(2);
      assertThat(row.at("/metadata").has("instructions")).isFalse();
      assertThat(row.at("/output")).isEqualTo(json(response.output()));
      assertThat(row.at("/output/0/content/0/text").asText()).isEqualTo("Paris.");
      assertThat(row.at("/metadata/provider").asText()).isEqualTo("openai");
      assertThat(row.at("/metadata/model").asText()).isEqualTo("gpt-4.1-mini");
      assertThat(row.at("/metadata/temperature").asDouble()).isEqualTo(0.2);
      assertThat(row.at("/metrics/prompt_tokens").asLong())
          .isEqualTo(response.usage().orElseThrow().inputTokens());
      assertThat(row.at("/metrics/completion_tokens").asLong()).isEqualTo(1);
      assertThat(row.at("/metrics/tokens").asLong())
          .isEqualTo(response.usage().orElseThrow().totalTokens());
      assertThat(row.at("/metrics").has("time_to_first_token")).isFalse();
      assertThat(row.at("/context/span_origin/instrumentation/name").asText())
          .isEqualTo("instrumentation-openai");
    }
  }

  @Test
  void anAsyncResponseIsTracedWhenItsFutureCompletes(BraintrustTestServer server) throws Exception {
    try (Fixture f = new Fixture(server)) {
      CompletableFuture<Response> future =
          f.traced.async().responses().create(ask("hello there").build());
      Response response = future.get(30, TimeUnit.SECONDS);

      ObjectNode row = f.row(SPAN);
      assertThat(row.at("/output")).isEqualTo(json(response.output()));
      assertThat(row.at("/output/0/content/0/text").asText()).isEqualTo("echo: hello there");
      assertThat(row.has("error")).isFalse();
    }
  }

  @Test
  void reasoningItemsAndReasoningTokensAreRecorded(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      Reasoning reasoning =
          Reasoning.builder()
              .effort(ReasoningEffort.HIGH)
              .summary(Reasoning.Summary.DETAILED)
              .build();
      Response response =
          f.traced
              .responses()
              .create(ask("two plus two").model("o4-mini").reasoning(reasoning).build());

      ObjectNode row = f.row(SPAN);
      assertThat(row.at("/output/0/type").asText()).isEqualTo("reasoning");
      assertThat(row.at("/output/0/summary/0/type").asText()).isEqualTo("summary_text");
      assertThat(row.at("/output/0/summary/0/text").asText())
          .isEqualTo("Thinking about: two plus two");
      assertThat(row.at("/output/1/type").asText()).isEqualTo("message");
      assertThat(row.at("/output")).isEqualTo(json(response.output()));
      long reasoningTokens = response.usage().orElseThrow().outputTokensDetails().reasoningTokens();
      assertThat(reasoningTokens).isPositive();
      assertThat(row.at("/metrics/completion_reasoning_tokens").asLong())
          .isEqualTo(reasoningTokens);
      assertThat(row.at("/metrics/prompt_cached_tokens").asLong()).isZero();
      // Reasoning settings are not on the guide's metadata allowlist.
      assertThat(row.at("/metadata").has("reasoning")).isFalse();
    }
  }

  @Test
  void aFunctionCallAndItsOutputMakeTwoSpansWithTheToolsInChatShape(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelToolCall("get_weather", "{\"city\":\"Oslo\"}");
      Response first =
          f.traced.responses().create(ask("Weather in Oslo?").addTool(weatherTool()).build());
      ResponseOutputItem call = first.output().get(0);
      assertThat(call.isFunctionCall()).isTrue();

      server.scriptModelReply("Cold.");
      ResponseCreateParams second =
          ResponseCreateParams.builder()
              .model("gpt-4.1-mini")
              .addTool(weatherTool())
              .previousResponseId(first.id())
              .inputOfResponse(
                  List.of(
                      ResponseInputItem.ofFunctionCallOutput(
                          ResponseInputItem.FunctionCallOutput.builder()
                              .callId(call.asFunctionCall().callId())
                              .output("-3 C")
                              .build())))
              .build();
      f.traced.responses().create(second);

      List<ObjectNode> rows =
          f.rows().stream()
              .filter(r -> r.at("/span_attributes/name").asText().equals(SPAN))
              .sorted(
                  (a, b) ->
                      Double.compare(
                          a.at("/metrics/start").asDouble(), b.at("/metrics/start").asDouble()))
              .toList();
      assertThat(rows).hasSize(2);
      ObjectNode one = rows.get(0);
      assertThat(one.at("/output/0/type").asText()).isEqualTo("function_call");
      assertThat(one.at("/output/0/name").asText()).isEqualTo("get_weather");
      assertThat(one.at("/output/0/arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}");
      assertThat(one.at("/metadata/tools/0/type").asText()).isEqualTo("function");
      assertThat(one.at("/metadata/tools/0/function/name").asText()).isEqualTo("get_weather");
      assertThat(one.at("/metadata/tools/0/function/parameters/required/0").asText())
          .isEqualTo("city");
      ObjectNode two = rows.get(1);
      assertThat(two.at("/input/0/type").asText()).isEqualTo("function_call_output");
      assertThat(two.at("/input/0/output").asText()).isEqualTo("-3 C");
      assertThat(two.at("/output/0/content/0/text").asText()).isEqualTo("Cold.");
      // The thread's id is not on the guide's metadata allowlist.
      assertThat(two.at("/metadata").has("previous_response_id")).isFalse();
    }
  }

  @Test
  void anUnknownPreviousResponseIsTheClientsExceptionAndAnErrorSpan(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ResponseCreateParams params = ask("continue").previousResponseId("resp_missing").build();
      Throwable plain = catchThrowable(() -> f.raw.responses().create(params));
      Throwable traced = catchThrowable(() -> f.traced.responses().create(params));

      assertThat(traced).isInstanceOf(BadRequestException.class).hasMessage(plain.getMessage());
      assertThat(traced.getMessage()).contains("resp_missing");
      ObjectNode row = f.row(SPAN);
      assertThat(row.get("error").asText()).contains("BadRequestException");
      assertThat(row.has("output")).isFalse();
    }
  }

  @Test
  void aServerErrorReachesTheCallerUnchangedSyncAndAsync(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      Fault fault = Fault.status(500).onPathContaining("/responses");
      server.faults().enqueue(fault, fault);
      Throwable sync = catchThrowable(() -> f.traced.responses().create(ask("x").build()));
      Throwable async =
          catchThrowable(
              () ->
                  f.traced.async().responses().create(ask("x").build()).get(30, TimeUnit.SECONDS));

      assertThat(sync).isInstanceOf(InternalServerException.class);
      assertThat(async.getCause()).isInstanceOf(InternalServerException.class);
      List<ObjectNode> rows =
          f.rows().stream()
              .filter(r -> r.at("/span_attributes/name").asText().equals(SPAN))
              .toList();
      assertThat(rows)
          .hasSize(2)
          .allSatisfy(r -> assertThat(r.get("error").asText()).contains("InternalServerException"));
    }
  }

  @Test
  void cancellingTheAsyncFutureEndsTheSpanAsCancelled(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server
          .faults()
          .enqueue(Fault.delay(java.time.Duration.ofSeconds(5)).onPathContaining("/responses"));
      CompletableFuture<Response> future = f.traced.async().responses().create(ask("slow").build());
      assertThat(future.cancel(true)).isTrue();

      ObjectNode row = f.row(SPAN);
      assertThat(row.at("/metadata/cancelled").asBoolean()).isTrue();
      assertThat(row.has("error")).isFalse();
    }
  }

  @Test
  void aWrappedClientSendsTheSameBytesAndReturnsAnEqualResponse(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      String canned =
          "{\"id\":\"resp_same\",\"object\":\"response\",\"created_at\":1,\"status\":\"completed\","
              + "\"model\":\"gpt-4.1-mini-2025-04-14\",\"output\":[{\"id\":\"msg_1\",\"type\":\"message\","
              + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
              + "\"annotations\":[],\"text\":\"Same.\",\"future_field\":1}]}],"
              + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1,\"total_tokens\":4},"
              + "\"unknown_top_level\":{\"kept\":true}}";
      server.scriptModelResponse("application/json", canned);
      server.scriptModelResponse("application/json", canned);
      ResponseCreateParams params =
          ask("same?").addTool(weatherTool()).maxOutputTokens(50L).temperature(0.0).build();

      Response plain = f.raw.responses().create(params);
      Response traced = f.traced.responses().create(params);

      assertThat(json(traced)).isEqualTo(json(plain));
      assertThat(traced).isEqualTo(plain);
      List<RecordedRequest> sent = server.requests("/responses");
      assertThat(sent).hasSize(2);
      assertThat(sent.get(1).body()).isEqualTo(sent.get(0).body());
      assertThat(sent.get(1).headers()).isEqualTo(sent.get(0).headers());
      assertThat(f.row(SPAN).at("/metadata/max_tokens").asLong()).isEqualTo(50);
    }
  }
}

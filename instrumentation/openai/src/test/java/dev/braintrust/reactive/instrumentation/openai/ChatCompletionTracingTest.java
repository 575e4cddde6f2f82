package dev.braintrust.reactive.instrumentation.openai;

import static dev.braintrust.reactive.instrumentation.openai.Fixture.T;
import static dev.braintrust.reactive.instrumentation.openai.Fixture.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.StructuredChatCompletion;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracing;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/** Whole chat completions, sync and async, through the real client against the testkit. */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes opened only to make a span current
class ChatCompletionTracingTest {

  @Test
  void aCompletionIsAnLlmSpanUnderTheCurrentSpanWithMessagesParamsChoicesAndTokens(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ChatCompletionCreateParams params =
          chat("What is two plus two?")
              .temperature(0.2)
              .maxCompletionTokens(50)
              .putAdditionalBodyProperty("reasoning", JsonValue.from(Map.of("effort", "low")))
              .build();
      Span root = f.tracer.startSpan("answer", SpanType.TASK);
      ChatCompletion reply;
      try (Scope s = root.makeCurrent()) {
        reply = f.traced.chat().completions().create(params);
      } finally {
        root.end();
      }

      assertThat(reply.choices().get(0).message().content())
          .hasValue("echo: What is two plus two?");
      ObjectNode llm = f.row("Chat Completion");
      ObjectNode parent = f.row("answer");
      assertThat(llm.get("span_attributes").get("type").asText()).isEqualTo("llm");
      assertThat(llm.get("span_parents")).containsExactly(parent.get("span_id"));
      assertThat(llm.get("root_span_id")).isEqualTo(parent.get("root_span_id"));
      JsonNode input = llm.get("input");
      assertThat(input).hasSize(2);
      assertThat(input.get(0).get("role").asText()).isEqualTo("system");
      assertThat(input.get(0).get("content").asText()).isEqualTo("Answer briefly.");
      assertThat(input.get(1).get("role").asText()).isEqualTo("user");
      assertThat(input.get(1).get("content").asText()).isEqualTo("What is two plus two?");
      // Written as the client writes them, nothing added.
      assertThat(input.get(0).properties())
          .extracting(Map.Entry::getKey)
          .containsExactlyInAnyOrder("role", "content");
      JsonNode choice = llm.get("output").get(0);
      assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
      assertThat(choice.get("message").get("content").asText())
          .isEqualTo("echo: What is two plus two?");
      assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
      assertThat(choice.get("message").has("valid")).isFalse();
      JsonNode metadata = llm.get("metadata");
      assertThat(metadata.get("model").asText()).isEqualTo("gpt-4o-mini");
      assertThat(metadata.get("temperature").asDouble()).isEqualTo(0.2);
      assertThat(metadata.get("provider").asText()).isEqualTo("openai");
      // An explicit allowlist: fields the guide does not list (max_completion_tokens, an extra
      // body property) stay out.
      assertThat(metadata.properties().stream().map(Map.Entry::getKey))
          .containsExactlyInAnyOrder("provider", "model", "temperature");
      assertThat(llm.at("/context/span_origin/name").asText())
          .isEqualTo("braintrust.sdk.java-reactive");
      assertThat(llm.at("/context/span_origin/instrumentation/name").asText())
          .isEqualTo("instrumentation-openai");
      JsonNode metrics = llm.get("metrics");
      // The fake counts words: 2 + 5 in, 6 out.
      assertThat(metrics.get("prompt_tokens").asInt()).isEqualTo(7);
      assertThat(metrics.get("completion_tokens").asInt()).isEqualTo(6);
      assertThat(metrics.get("tokens").asInt()).isEqualTo(13);
      assertThat(metrics.get("start").asDouble())
          .isLessThanOrEqualTo(metrics.get("end").asDouble());
      assertThat(llm.has("error")).isFalse();
    }
  }

  @Test
  void toolsAreRecordedWithTheRequestAndToolCallsInTheOutput(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelToolCall("get_weather", "{\"city\":\"Paris\"}");
      ChatCompletionCreateParams params =
          chat("Weather in Paris?")
              .addFunctionTool(
                  FunctionDefinition.builder()
                      .name("get_weather")
                      .description("Current weather for a city")
                      .parameters(
                          FunctionParameters.builder()
                              .putAdditionalProperty("type", JsonValue.from("object"))
                              .putAdditionalProperty(
                                  "properties",
                                  JsonValue.from(Map.of("city", Map.of("type", "string"))))
                              .build())
                      .build())
              .build();

      ChatCompletion reply = f.traced.chat().completions().create(params);

      ChatCompletionMessageToolCall call =
          reply.choices().get(0).message().toolCalls().orElseThrow().get(0);
      assertThat(call.asFunction().function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
      ObjectNode llm = f.row("Chat Completion");
      JsonNode tool = llm.get("metadata").get("tools").get(0);
      assertThat(tool.properties())
          .extracting(Map.Entry::getKey)
          .containsExactlyInAnyOrder("type", "function");
      assertThat(tool.get("function").get("name").asText()).isEqualTo("get_weather");
      assertThat(
              tool.get("function")
                  .get("parameters")
                  .get("properties")
                  .get("city")
                  .get("type")
                  .asText())
          .isEqualTo("string");
      JsonNode out = llm.get("output").get(0);
      assertThat(out.get("finish_reason").asText()).isEqualTo("tool_calls");
      JsonNode recorded = out.get("message").get("tool_calls").get(0);
      assertThat(recorded.get("id").asText()).isEqualTo(call.asFunction().id());
      assertThat(recorded.get("function").get("name").asText()).isEqualTo("get_weather");
      assertThat(recorded.get("function").get("arguments").asText())
          .isEqualTo("{\"city\":\"Paris\"}");
    }
  }

  @Test
  void aFailedCallIsRecordedOnItsSpanAndTheCallerGetsTheClientsOwnException(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ChatCompletionCreateParams params = chat("hi").build();
      Fault badRequest =
          Fault.status(400)
              .body("{\"error\":{\"message\":\"bad model\",\"type\":\"invalid_request_error\"}}")
              .onPathContaining("/chat/completions");
      server.faults().enqueue(badRequest, badRequest);

      Throwable plain = catchThrowable(() -> f.raw.chat().completions().create(params));
      Throwable traced = catchThrowable(() -> f.traced.chat().completions().create(params));

      assertThat(traced).isInstanceOf(BadRequestException.class).hasMessage(plain.getMessage());
      assertThat(((BadRequestException) traced).statusCode()).isEqualTo(400);
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("error").asText()).contains("BadRequestException").contains("bad model");
      assertThat(llm.get("metrics").has("end")).isTrue();
      assertThat(llm.has("output")).isFalse();
    }
  }

  @Test
  void anAsyncCompletionEndsItsSpanBeforeTheFutureCompletes(BraintrustTestServer server)
      throws Exception {
    try (Fixture f = new Fixture(server)) {
      Span root = f.tracer.startSpan("async-root", SpanType.TASK);
      CompletableFuture<ChatCompletion> future;
      try (Scope s = root.makeCurrent()) {
        future = f.traced.async().chat().completions().create(chat("async please").build());
      }
      // Flushing right after the future completes finds the span: it ended first.
      ChatCompletion reply =
          future
              .thenApply(
                  c -> {
                    f.exporter.flush().block(T);
                    return c;
                  })
              .get(10, TimeUnit.SECONDS);
      root.end();

      assertThat(reply.choices().get(0).message().content()).hasValue("echo: async please");
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("span_parents")).containsExactly(f.row("async-root").get("span_id"));
      assertThat(llm.get("output").get(0).get("message").get("content").asText())
          .isEqualTo("echo: async please");
      assertThat(llm.get("metrics").get("tokens").asInt()).isEqualTo(7);
    }
  }

  @Test
  void cancellingAnAsyncCallCancelsTheClientsFutureAndEndsTheSpan(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server
          .faults()
          .enqueue(Fault.delay(Duration.ofSeconds(5)).onPathContaining("/chat/completions"));
      CompletableFuture<ChatCompletion> future =
          f.traced.async().chat().completions().create(chat("slow").build());

      assertThat(future.cancel(true)).isTrue();

      assertThat(catchThrowable(future::join)).isInstanceOf(CancellationException.class);
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("metadata").get("cancelled").asBoolean()).isTrue();
      assertThat(llm.get("metrics").has("end")).isTrue();
    }
  }

  @Test
  void aFailedAsyncCallFailsTheFutureAsTheClientDoes(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.faults().enqueue(Fault.status(400).onPathContaining("/chat/completions"));

      CompletableFuture<ChatCompletion> future =
          f.traced.async().chat().completions().create(chat("x").build());

      Throwable thrown = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
      assertThat(thrown)
          .isInstanceOf(java.util.concurrent.ExecutionException.class)
          .hasCauseInstanceOf(BadRequestException.class);
      assertThat(f.row("Chat Completion").get("error").asText()).contains("BadRequestException");
    }
  }

  @Test
  void aCallInsideAReactiveChainIsAChildOfTheSpanInTheReactorContext(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      ChatCompletion reply =
          f.tracer
              .mono(
                  "pipeline",
                  SpanType.TASK,
                  span ->
                      Tracing.fromCallable(
                              () -> f.traced.chat().completions().create(chat("in a Mono").build()))
                          .flatMap(
                              first ->
                                  Tracing.fromCallable(
                                          () ->
                                              f.traced
                                                  .async()
                                                  .chat()
                                                  .completions()
                                                  .create(chat("then async").build()))
                                      .flatMap(Mono::fromFuture)))
              .block(T);

      assertThat(reply.choices().get(0).message().content()).hasValue("echo: then async");
      String pipeline = f.row("pipeline").get("span_id").asText();
      List<ObjectNode> llm =
          f.rows().stream()
              .filter(r -> r.get("span_attributes").get("type").asText().equals("llm"))
              .toList();
      assertThat(llm)
          .hasSize(2)
          .allSatisfy(r -> assertThat(r.get("span_parents").get(0).asText()).isEqualTo(pipeline));
    }
  }

  /** A structured output type. */
  public static final class Answer {
    public String text;
  }

  @Test
  void aStructuredOutputCallIsTracedThroughTheRawCallItWraps(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("{\"text\":\"forty-two\"}");

      StructuredChatCompletion<Answer> reply =
          f.traced
              .chat()
              .completions()
              .create(
                  ChatCompletionCreateParams.builder()
                      .model("gpt-4o-mini")
                      .addUserMessage("The answer?")
                      .responseFormat(Answer.class)
                      .build());

      assertThat(reply.choices().get(0).message().content().orElseThrow().text)
          .isEqualTo("forty-two");
      ObjectNode llm = f.row("Chat Completion");
      assertThat(llm.get("metadata").get("response_format").get("type").asText())
          .isEqualTo("json_schema");
      assertThat(llm.get("output").get(0).get("message").get("content").asText())
          .isEqualTo("{\"text\":\"forty-two\"}");
    }
  }

  @Test
  void everyWayToReachCreateIsTracedOnceAndOtherCallsPassThrough(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      OpenAIClient again = BraintrustOpenAI.wrap(f.traced, f.tracer);
      again
          .chat()
          .completions()
          .withOptions(o -> o.timeout(Duration.ofSeconds(5)))
          .create(chat("one").build());
      again
          .withOptions(o -> o.maxRetries(0))
          .chat()
          .completions()
          .create(chat("two").build(), com.openai.core.RequestOptions.none());
      again.async().sync().chat().completions().create(chat("three").build());
      // The raw-response view is the client's plumbing: not traced.
      again.withRawResponse().chat().completions().create(chat("four").build()).parse();

      assertThat(again).isSameAs(f.traced);
      assertThat(f.traced.chat()).isSameAs(f.traced.chat());
      List<String> inputs =
          f.rows().stream()
              .map(r -> r.get("input").get(1).get("content").asText())
              .sorted()
              .toList();
      assertThat(inputs).containsExactly("one", "three", "two");
      assertThat(server.requests("/chat/completions")).hasSize(4);
    }
  }
}

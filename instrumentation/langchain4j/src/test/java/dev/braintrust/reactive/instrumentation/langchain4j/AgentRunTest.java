package dev.braintrust.reactive.instrumentation.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.PromptMetadata;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * AI Services with a tool loop, through the real LangChain4j against the testkit's OpenAI-format
 * endpoint: each call one trace, a task span with llm and tool children in the order they ran.
 */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes opened only to make a span current
class AgentRunTest {

  interface Assistant {
    String chat(String message);
  }

  interface StreamingAssistant {
    TokenStream chat(String message);
  }

  /** A tool that records the threads it ran on. */
  static final class Weather {
    final List<String> cities = new CopyOnWriteArrayList<>();

    @Tool("The weather in a city")
    String weather(@P(name = "city", value = "the city") String city) {
      cities.add(city);
      return "sunny in " + city;
    }
  }

  private static String streamed(TokenStream stream) throws Exception {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    stream
        .onPartialResponse(p -> {})
        .onCompleteResponse(done::complete)
        .onError(done::completeExceptionally)
        .start();
    return done.get(30, TimeUnit.SECONDS).aiMessage().text();
  }

  private static List<ObjectNode> typed(List<ObjectNode> rows, String type) {
    return rows.stream()
        .filter(r -> r.path("span_attributes").path("type").asText().equals(type))
        .sorted(Comparator.comparingDouble(r -> r.path("metrics").path("start").asDouble()))
        .toList();
  }

  /** The task, its two model calls and its tool call, checked as one tree in execution order. */
  private static void assertAgentTree(List<ObjectNode> rows, String method, String rootSpanId) {
    assertAgentTree(rows, method, rootSpanId, false);
  }

  private static void assertAgentTree(
      List<ObjectNode> rows, String method, String rootSpanId, boolean concurrentTools) {
    ObjectNode task =
        typed(rows, "task").stream()
            .filter(r -> r.path("span_attributes").path("name").asText().equals(method))
            .findFirst()
            .orElseThrow();
    List<ObjectNode> llms = typed(rows, "llm");
    List<ObjectNode> tools = typed(rows, "tool");
    assertThat(llms).hasSize(2);
    assertThat(tools).hasSize(1);
    String taskId = task.get("span_id").asText();
    for (ObjectNode child : List.of(llms.get(0), tools.get(0), llms.get(1))) {
      assertThat(child.get("span_parents").get(0).asText()).isEqualTo(taskId);
      assertThat(child.get("root_span_id").asText()).isEqualTo(rootSpanId);
    }
    assertThat(task.get("root_span_id").asText()).isEqualTo(rootSpanId);
    // Execution order: the model asks, the tool runs, the model answers. A tool run on an
    // executor starts as soon as its call has streamed in, before the model's stream ends.
    assertThat(llms.get(0).at(concurrentTools ? "/metrics/start" : "/metrics/end").asDouble())
        .isLessThanOrEqualTo(tools.get(0).at("/metrics/start").asDouble());
    assertThat(tools.get(0).at("/metrics/end").asDouble())
        .isLessThanOrEqualTo(llms.get(1).at("/metrics/start").asDouble());

    ObjectNode tool = tools.get(0);
    assertThat(tool.at("/span_attributes/name").asText()).isEqualTo("weather");
    assertThat(tool.at("/input/city").asText()).isEqualTo("Paris");
    assertThat(tool.get("output").asText()).isEqualTo("sunny in Paris");

    ObjectNode first = llms.get(0);
    assertThat(first.at("/output/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(first.at("/output/0/message/tool_calls/0/function/name").asText())
        .isEqualTo("weather");
    assertThat(first.at("/metadata/tools/0/function/name").asText()).isEqualTo("weather");
    assertThat(first.at("/metadata/provider").asText()).isEqualTo("openai");
    assertThat(first.at("/metadata/model").asText()).isEqualTo("gpt-4o-mini");
    ObjectNode second = llms.get(1);
    JsonNode input = second.get("input");
    assertThat(input.get(input.size() - 1).get("role").asText()).isEqualTo("tool");
    assertThat(input.get(input.size() - 1).get("content").asText()).isEqualTo("sunny in Paris");
    assertThat(second.at("/output/0/message/content").asText()).isEqualTo("It is sunny in Paris.");

    assertThat(task.at("/input/0/role").asText()).isEqualTo("user");
    assertThat(task.at("/input/0/content").asText()).isEqualTo("weather in Paris?");
    assertThat(task.get("output").asText()).isEqualTo("It is sunny in Paris.");
    long prompt =
        first.at("/metrics/prompt_tokens").asLong() + second.at("/metrics/prompt_tokens").asLong();
    assertThat(task.at("/metrics/prompt_tokens").asLong()).isEqualTo(prompt);
    assertThat(task.at("/metrics/tokens").asLong())
        .isEqualTo(first.at("/metrics/tokens").asLong() + second.at("/metrics/tokens").asLong());
  }

  @Test
  void aServiceCallIsATaskSpanWithLlmAndToolChildren(BraintrustTestServer server) throws Exception {
    server.scriptModelToolCall("weather", "{\"city\":\"Paris\"}");
    server.scriptModelReply("It is sunny in Paris.");
    try (Fixture f = new Fixture(server)) {
      Weather weather = new Weather();
      Assistant assistant =
          BraintrustLangChain4j.aiServices(Assistant.class, f.tracer)
              .chatModel(f.chatModel().listeners(List.of(f.listener)).build())
              .tools(weather)
              .build();

      assertThat(assistant.chat("weather in Paris?")).isEqualTo("It is sunny in Paris.");

      List<ObjectNode> rows = f.rows();
      assertThat(rows).hasSize(4); // the listener on the model stepped aside
      ObjectNode task = typed(rows, "task").get(0);
      assertThat(task.get("span_parents")).isNullOrEmpty();
      assertThat(rows)
          .allSatisfy(
              r ->
                  assertThat(r.at("/context/span_origin/instrumentation/name").asText())
                      .isEqualTo("instrumentation-langchain4j"));
      assertAgentTree(rows, "chat", task.get("root_span_id").asText());
      assertThat(weather.cities).containsExactly("Paris");
    }
  }

  @Test
  void aStreamingServiceCallIsOneTraceThoughItsToolLoopRunsOnTheHttpThread(
      BraintrustTestServer server) throws Exception {
    server.scriptModelToolCall("weather", "{\"city\":\"Paris\"}");
    server.scriptModelReply("It is sunny in Paris.");
    try (Fixture f = new Fixture(server)) {
      StreamingAssistant assistant =
          BraintrustLangChain4j.aiServices(StreamingAssistant.class, f.tracer)
              .streamingChatModel(f.streamingModel().build())
              .tools(new Weather())
              .build();
      Span request = f.tracer.startSpan("request", SpanType.TASK);
      String answer;
      try (Scope s = request.makeCurrent()) {
        answer = streamed(assistant.chat("weather in Paris?"));
      }
      request.end();

      assertThat(answer).isEqualTo("It is sunny in Paris.");
      List<ObjectNode> rows = f.rows();
      assertThat(rows).hasSize(5);
      ObjectNode root = f.row("request");
      ObjectNode task = f.row("chat");
      assertThat(task.get("span_parents")).containsExactly(root.get("span_id"));
      assertAgentTree(rows, "chat", root.get("root_span_id").asText());
      for (ObjectNode llm : typed(rows, "llm")) {
        assertThat(llm.at("/metrics/time_to_first_token").isNumber()).isTrue();
      }
    }
  }

  /** A tool that fails. */
  static final class Atlas {
    @Tool("The population of a city")
    String population(@P(name = "city", value = "the city") String city) {
      throw new IllegalStateException("no data for " + city);
    }
  }

  @Test
  void aToolThatThrowsIsAToolSpanWithTheErrorAndTheRunGoesOn(BraintrustTestServer server)
      throws Exception {
    server.scriptModelToolCall("population", "{\"city\":\"Atlantis\"}");
    server.scriptModelReply("I could not find it.");
    try (Fixture f = new Fixture(server)) {
      Assistant assistant =
          BraintrustLangChain4j.aiServices(Assistant.class, f.tracer)
              .chatModel(f.chatModel().build())
              .tools(new Atlas())
              .build();

      assertThat(assistant.chat("how many live in Atlantis?")).isEqualTo("I could not find it.");

      List<ObjectNode> rows = f.rows();
      ObjectNode tool = typed(rows, "tool").get(0);
      assertThat(tool.at("/span_attributes/name").asText()).isEqualTo("population");
      assertThat(tool.get("error").asText()).contains("no data for Atlantis");
      ObjectNode task = f.row("chat");
      assertThat(task.has("error")).isFalse();
      assertThat(tool.get("span_parents")).containsExactly(task.get("span_id"));
      assertThat(typed(rows, "llm")).hasSize(2);
    }
  }

  @Test
  void toolsRunOnAnExecutorAreStillChildrenOfTheirRun(BraintrustTestServer server)
      throws Exception {
    server.scriptModelToolCall("weather", "{\"city\":\"Paris\"}");
    server.scriptModelReply("It is sunny in Paris.");
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try (Fixture f = new Fixture(server)) {
      StreamingAssistant assistant =
          BraintrustLangChain4j.aiServices(StreamingAssistant.class, f.tracer)
              .streamingChatModel(f.streamingModel().build())
              .tools(new Weather())
              .executeToolsConcurrently(pool)
              .build();

      assertThat(streamed(assistant.chat("weather in Paris?"))).isEqualTo("It is sunny in Paris.");

      List<ObjectNode> rows = f.rows();
      ObjectNode task = f.row("chat");
      assertThat(task.get("span_parents")).isNullOrEmpty();
      assertAgentTree(rows, "chat", task.get("root_span_id").asText(), true);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPromptAttachedAroundAServiceCallIsOnItsModelSpansOnly(BraintrustTestServer server)
      throws Exception {
    server.scriptModelToolCall("weather", "{\"city\":\"Paris\"}");
    server.scriptModelReply("It is sunny in Paris.");
    try (Fixture f = new Fixture(server)) {
      Assistant assistant =
          BraintrustLangChain4j.aiServices(Assistant.class, f.tracer)
              .chatModel(f.chatModel().build())
              .tools(new Weather())
              .build();
      PromptMetadata prompt = PromptMetadata.of("p-1", "proj-1", "42", Map.of("city", "Paris"));
      try (Scope s = prompt.attach()) {
        assistant.chat("weather in Paris?");
      }

      List<ObjectNode> rows = f.rows();
      for (ObjectNode llm : typed(rows, "llm")) {
        assertThat(llm.at("/metadata/prompt/id").asText()).isEqualTo("p-1");
        assertThat(llm.at("/metadata/prompt/variables/city").asText()).isEqualTo("Paris");
      }
      assertThat(f.row("chat").path("metadata").has("prompt")).isFalse();
      assertThat(typed(rows, "tool").get(0).path("metadata").has("prompt")).isFalse();
    }
  }

  @Test
  void aStreamingRunTheCallerCancelsEndsWithItsModelCallAsCancelled(BraintrustTestServer server)
      throws Exception {
    server.scriptModelReply("one two three four five six seven eight");
    // Slow events, so the stream is certainly still going when it is cancelled.
    server.sseEventDelay(java.time.Duration.ofMillis(200));
    try (Fixture f = new Fixture(server)) {
      StreamingAssistant assistant =
          BraintrustLangChain4j.aiServices(StreamingAssistant.class, f.tracer)
              .streamingChatModel(f.streamingModel().build())
              .build();
      CompletableFuture<String> cancelledAfter = new CompletableFuture<>();
      assistant
          .chat("count")
          .onPartialResponseWithContext(
              (partial, context) -> {
                context.streamingHandle().cancel();
                cancelledAfter.complete(partial.text());
              })
          .onError(cancelledAfter::completeExceptionally)
          .start();

      assertThat(cancelledAfter.get(30, TimeUnit.SECONDS)).isEqualTo("one ");
      ObjectNode task = f.row("chat");
      ObjectNode llm = f.row("Chat Completion");
      assertThat(task.at("/metadata/cancelled").asBoolean()).isTrue();
      assertThat(llm.at("/metadata/cancelled").asBoolean()).isTrue();
      assertThat(llm.get("span_parents")).containsExactly(task.get("span_id"));
      assertThat(llm.at("/output/0/message/content").asText()).isEqualTo("one ");
    }
  }

  @Test
  void aStreamingToolLoopThroughAWrappedModelStaysInTheCallersTrace(BraintrustTestServer server)
      throws Exception {
    server.scriptModelToolCall("weather", "{\"city\":\"Paris\"}");
    server.scriptModelReply("It is sunny in Paris.");
    try (Fixture f = new Fixture(server)) {
      // LangChain4j's own builder: no task or tool spans, but the model call after the tool result,
      // made on the HTTP client's thread, still belongs to the caller's trace.
      StreamingAssistant assistant =
          AiServices.builder(StreamingAssistant.class)
              .streamingChatModel(BraintrustLangChain4j.wrap(f.streamingModel().build(), f.tracer))
              .tools(new Weather())
              .build();
      Span request = f.tracer.startSpan("request", SpanType.TASK);
      try (Scope s = request.makeCurrent()) {
        assertThat(streamed(assistant.chat("weather in Paris?")))
            .isEqualTo("It is sunny in Paris.");
      }
      request.end();

      List<ObjectNode> llms = typed(f.rows(), "llm");
      assertThat(llms).hasSize(2);
      ObjectNode root = f.row("request");
      for (ObjectNode llm : llms) {
        assertThat(llm.get("root_span_id")).isEqualTo(root.get("root_span_id"));
        assertThat(llm.get("span_parents")).containsExactly(root.get("span_id"));
      }
    }
  }
}

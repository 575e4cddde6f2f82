package dev.braintrust.reactive.instrumentation.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.RequestOptions;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.services.async.ResponseServiceAsync;
import com.openai.services.blocking.ResponseService;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Responses API calls ({@code responses().create}) as {@code llm} spans: the request's {@code
 * input} (a string becomes one user message; {@code instructions} lead as a system message) is the
 * input, the output items (reasoning summaries and messages) the output, the allowlisted request
 * fields and the resolved model the metadata, the usage the metrics, reasoning tokens included.
 * Streamed calls ({@code createStreaming}) are recorded by {@link ResponseStreamRecorder}: the same
 * row, plus the time to the first token.
 */
final class ResponseCalls {
  static final String SPAN_NAME = "openai.responses.create";
  private static final LibraryLog LOG = LibraryLog.get(ResponseCalls.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Request fields the guide lets into metadata, under the names the Responses API uses. */
  private static final List<String> METADATA =
      List.of(
          "model", "temperature", "top_p", "tool_choice", "parallel_tool_calls", "max_tool_calls");

  private ResponseCalls() {}

  static Response create(
      Tracer tracer, ResponseService service, ResponseCreateParams params, RequestOptions options) {
    CallSpan span = start(tracer, params);
    Response response = span.guard(() -> service.create(params, options));
    completed(span, response);
    return response;
  }

  static CompletableFuture<Response> createAsync(
      Tracer tracer,
      ResponseServiceAsync service,
      ResponseCreateParams params,
      RequestOptions options) {
    CallSpan span = start(tracer, params);
    CompletableFuture<Response> future = span.guard(() -> service.create(params, options));
    return Futures.traced(future, span, ResponseCalls::completed);
  }

  static StreamResponse<ResponseStreamEvent> createStreaming(
      Tracer tracer, ResponseService service, ResponseCreateParams params, RequestOptions options) {
    CallSpan span = start(tracer, params);
    StreamResponse<ResponseStreamEvent> stream =
        span.guard(() -> service.createStreaming(params, options));
    return new TracedStreamResponse<>(stream, new ResponseStreamRecorder(span));
  }

  static AsyncStreamResponse<ResponseStreamEvent> createStreamingAsync(
      Tracer tracer,
      ResponseServiceAsync service,
      ResponseCreateParams params,
      RequestOptions options) {
    CallSpan span = start(tracer, params);
    AsyncStreamResponse<ResponseStreamEvent> stream =
        span.guard(() -> service.createStreaming(params, options));
    return new TracedAsyncStreamResponse<>(stream, new ResponseStreamRecorder(span));
  }

  private static CallSpan start(Tracer tracer, ResponseCreateParams params) {
    CallSpan span = new CallSpan(tracer.startSpan(SPAN_NAME, SpanType.LLM));
    try {
      span.log(request(SdkJson.tree(params._body())));
    } catch (RuntimeException e) {
      LOG.warn("could not record a responses request: {}", e.toString());
    }
    return span;
  }

  static Log.Builder request(ObjectNode body) {
    Log.Builder b = Log.builder().metadata("provider", "openai");
    JsonNode input = body.path("input");
    JsonNode instructions = body.path("instructions");
    ArrayNode messages = NODES.arrayNode();
    // The system prompt of a Responses call is its instructions, not an input item; it leads the
    // input as a system message, as it would in the chat-completions shape, instead of being lost
    // (instructions are not on the metadata allowlist).
    if (instructions.isTextual()) {
      messages.addObject().put("role", "system").put("content", instructions.asText());
    }
    if (input.isTextual()) {
      messages.addObject().put("role", "user").put("content", input.asText());
    } else if (input.isArray()) {
      messages.addAll((ArrayNode) input);
    } else if (!input.isMissingNode() && !input.isNull()) {
      messages.add(input);
    }
    if (!messages.isEmpty()) {
      b.input(messages);
    }
    for (String field : METADATA) {
      JsonNode v = body.get(field);
      if (v != null && !v.isNull()) {
        b.metadata(field, v.isTextual() ? v.asText() : v);
      }
    }
    JsonNode max = body.get("max_output_tokens");
    if (max != null && max.isNumber()) {
      b.metadata("max_tokens", max);
    }
    JsonNode tools = body.get("tools");
    if (tools != null && tools.isArray() && !tools.isEmpty()) {
      ArrayNode converted = NODES.arrayNode();
      for (JsonNode t : tools) {
        converted.add(tool(t));
      }
      b.metadata("tools", converted);
    }
    return b;
  }

  /** A Responses function tool ({@code {type, name, parameters}}) in the chat-completions shape. */
  private static JsonNode tool(JsonNode t) {
    if (!"function".equals(t.path("type").asText()) || t.has("function")) {
      return t;
    }
    ObjectNode function = NODES.objectNode();
    function.set("name", t.path("name"));
    for (String f : List.of("description", "parameters", "strict")) {
      if (t.hasNonNull(f)) {
        function.set(f, t.get(f));
      }
    }
    ObjectNode out = NODES.objectNode().put("type", "function");
    out.set("function", function);
    return out;
  }

  private static void completed(CallSpan span, Response response) {
    if (!span.claimEnd()) {
      return;
    }
    Log.Builder b = Log.builder();
    try {
      record(b, response);
    } catch (RuntimeException e) {
      LOG.warn("could not read a response for its span: {}", e.toString());
    }
    span.end(b);
  }

  /** A whole response's model, output items and usage. */
  static void record(Log.Builder b, Response response) {
    ObjectNode tree = SdkJson.tree(response);
    model(b, tree);
    if (tree.has("output")) {
      b.output(tree.get("output"));
    }
    usage(b, tree.path("usage"));
  }

  /** The resolved model a response names (a dated version of the requested alias). */
  static void model(Log.Builder b, JsonNode response) {
    JsonNode model = response.path("model");
    if (model.isTextual() && !model.asText().isEmpty()) {
      b.metadata("model", model.asText());
    }
  }

  /** The Responses usage names, as the guide's metric keys; each only when reported. */
  static void usage(Log.Builder b, JsonNode u) {
    put(b, "prompt_tokens", u.path("input_tokens"));
    put(b, "completion_tokens", u.path("output_tokens"));
    if (u.path("total_tokens").isNumber()) {
      put(b, "tokens", u.path("total_tokens"));
    } else if (u.path("input_tokens").isNumber() && u.path("output_tokens").isNumber()) {
      b.metric("tokens", u.get("input_tokens").asLong() + u.get("output_tokens").asLong());
    }
    put(b, "prompt_cached_tokens", u.path("input_tokens_details").path("cached_tokens"));
    put(b, "completion_reasoning_tokens", u.path("output_tokens_details").path("reasoning_tokens"));
  }

  private static void put(Log.Builder b, String name, JsonNode v) {
    if (v.isNumber()) {
      b.metric(name, v.numberValue());
    }
  }
}

package dev.braintrust.reactive.instrumentation.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.RequestOptions;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
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
 * input} (a string becomes one user message) is the input, the output items (reasoning summaries
 * and messages) the output, the allowlisted request fields and the resolved model the metadata, the
 * usage the metrics, reasoning tokens included. Streamed responses are not traced yet.
 */
final class ResponseCalls {
  static final String SPAN_NAME = "openai.responses.create";
  private static final LibraryLog LOG = LibraryLog.get(ResponseCalls.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Request fields the guide lets into metadata, under the names the Responses API uses. */
  private static final List<String> METADATA =
      List.of("model", "temperature", "top_p", "tool_choice", "parallel_tool_calls");

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
    if (input.isTextual()) {
      ArrayNode messages = NODES.arrayNode();
      messages.addObject().put("role", "user").put("content", input.asText());
      b.input(messages);
    } else if (!input.isMissingNode()) {
      b.input(SdkJson.withAttachments(input));
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
      ObjectNode tree = SdkJson.tree(response);
      JsonNode model = tree.path("model");
      if (model.isTextual() && !model.asText().isEmpty()) {
        b.metadata("model", model.asText());
      }
      if (tree.has("output")) {
        b.output(tree.get("output"));
      }
      usage(b, tree.path("usage"));
    } catch (RuntimeException e) {
      LOG.warn("could not read a response for its span: {}", e.toString());
    }
    span.end(b);
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

package dev.braintrust.reactive.instrumentation.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.RequestOptions;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.models.ResponsesModel;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import com.openai.services.async.ResponseServiceAsync;
import com.openai.services.blocking.ResponseService;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.PromptMetadata;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.attachment.AttachmentConverter;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LazyJson;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

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
  private static final Set<String> METADATA =
      Set.of(
          "model", "temperature", "top_p", "tool_choice", "parallel_tool_calls", "max_tool_calls");

  /** A field no body has: the input is recorded apart, reshaped. */
  private static final String NO_FIELD = "";

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
      span.log(request(params));
    } catch (RuntimeException e) {
      LOG.warn("could not record a responses request: {}", e.toString());
    }
    // After the request's fields, so none of them can overwrite the prompt's provenance.
    PromptMetadata prompt = PromptMetadata.current();
    if (prompt != null) {
      span.log(Log.builder().metadata("prompt", prompt.toMap()));
    }
    return span;
  }

  /**
   * The request, read without serialising it on the caller's thread: scalars as they are, the rest
   * (input, tools, tool choice) written by the exporter later, from the immutable params.
   */
  static Log.Builder request(ResponseCreateParams params) {
    Log.Builder b = Log.builder();
    Object body = params._body();
    RequestFields.record(b, body, NO_FIELD, METADATA);
    params.maxOutputTokens().ifPresent(max -> b.metadata("max_tokens", max));
    if (params._tools().asKnown().filter(t -> !t.isEmpty()).isPresent()) {
      b.metadata("tools", LazyJson.of(() -> tools(SdkJson.node(params._tools()))));
    }
    if (!params._input().isMissing() || !params._instructions().isMissing()) {
      boolean textOnly = params._input().asKnown().map(i -> i.isText()).orElse(true);
      if (textOnly || !AttachmentConverter.enabled()) {
        b.input(LazyJson.of(() -> input(SdkJson.tree(body))));
      } else {
        // Input items may carry inline media: converted now, so that the exporter's attachment
        // stage finds the attachments when the row is submitted (it cannot see into a LazyJson).
        b.input(SdkJson.withAttachments(input(SdkJson.tree(body))));
      }
    }
    return b;
  }

  /**
   * The input as logged: {@code instructions} (the system prompt of a Responses call, not an input
   * item) lead as a system message, as in the chat-completions shape, instead of being lost
   * (instructions are not on the metadata allowlist); a string input is one user message; input
   * items are kept as sent.
   */
  static ArrayNode input(ObjectNode body) {
    JsonNode input = body.path("input");
    JsonNode instructions = body.path("instructions");
    ArrayNode messages = NODES.arrayNode();
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
    return messages;
  }

  /** The tools, function tools in the chat-completions shape, built-in ones as they are. */
  static ArrayNode tools(JsonNode tools) {
    ArrayNode converted = NODES.arrayNode();
    for (JsonNode t : tools) {
      converted.add(tool(t));
    }
    return converted;
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

  /**
   * A whole response's model, output items and usage, read without serialising it on the caller's
   * thread: the output items are written by the exporter later.
   */
  static void record(Log.Builder b, Response response) {
    String model = model(response);
    if (model != null && !model.isEmpty()) {
      b.metadata("model", model);
    }
    if (!response._output().isMissing()) {
      b.output(new SdkJson(response._output()));
    }
    response._usage().asKnown().ifPresent(u -> usage(b, u));
  }

  /** The resolved model a response names (a dated version of the requested alias). */
  static @Nullable String model(Response response) {
    ResponsesModel m = response._model().asKnown().orElse(null);
    if (m == null) {
      return response._model().asString().orElse(null);
    }
    if (m.isString()) {
      return m.asString();
    }
    if (m.isChat()) {
      return m.asChat().asString();
    }
    return m.isOnly() ? m.asOnly().asString() : null;
  }

  /** The Responses usage names, as the guide's metric keys; each only when reported. */
  static void usage(Log.Builder b, ResponseUsage u) {
    Optional<Number> input = u._inputTokens().asNumber();
    Optional<Number> output = u._outputTokens().asNumber();
    Usage.put(b, "prompt_tokens", input);
    Usage.put(b, "completion_tokens", output);
    Optional<Number> total = u._totalTokens().asNumber();
    if (total.isPresent()) {
      Usage.put(b, "tokens", total);
    } else if (input.isPresent() && output.isPresent()) {
      b.metric("tokens", input.get().longValue() + output.get().longValue());
    }
    u._inputTokensDetails()
        .asKnown()
        .ifPresent(d -> Usage.put(b, "prompt_cached_tokens", d._cachedTokens().asNumber()));
    u._outputTokensDetails()
        .asKnown()
        .ifPresent(
            d -> Usage.put(b, "completion_reasoning_tokens", d._reasoningTokens().asNumber()));
  }
}

package dev.braintrust.reactive.instrumentation.openai.internal;

import com.openai.core.RequestOptions;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.services.async.chat.ChatCompletionServiceAsync;
import com.openai.services.blocking.chat.ChatCompletionService;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.PromptMetadata;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.core.internal.LlmMetadata;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Chat completions as {@code llm} spans: the request's messages are the input, the allowlisted
 * request fields the metadata (with the model the response reports, and the {@link PromptMetadata}
 * attached on the calling thread as {@code metadata.prompt}), the choices the output, the usage the
 * metrics. The client's own call runs unchanged; its result or exception is returned or rethrown as
 * is.
 */
final class ChatCalls {
  static final String SPAN_NAME = "Chat Completion";

  /**
   * The request fields the instrumentation guide lets into metadata: the model, the sampling
   * parameters it names, and the tool definitions and controls (already in the OpenAI shape).
   */
  static final Set<String> METADATA = metadataFields();

  private static final LibraryLog LOG = LibraryLog.get(ChatCalls.class);

  private static Set<String> metadataFields() {
    Set<String> fields = new java.util.HashSet<>(LlmMetadata.CHAT_REQUEST_PARAMETERS);
    fields.add("model");
    return Set.copyOf(fields);
  }

  private ChatCalls() {}

  static ChatCompletion create(
      Tracer tracer,
      ChatCompletionService service,
      ChatCompletionCreateParams params,
      RequestOptions options) {
    CallSpan span = start(tracer, params);
    ChatCompletion completion = span.guard(() -> service.create(params, options));
    completed(span, completion);
    return completion;
  }

  static CompletableFuture<ChatCompletion> createAsync(
      Tracer tracer,
      ChatCompletionServiceAsync service,
      ChatCompletionCreateParams params,
      RequestOptions options) {
    CallSpan span = start(tracer, params);
    CompletableFuture<ChatCompletion> future = span.guard(() -> service.create(params, options));
    return Futures.traced(future, span, ChatCalls::completed);
  }

  static StreamResponse<ChatCompletionChunk> createStreaming(
      Tracer tracer,
      ChatCompletionService service,
      ChatCompletionCreateParams params,
      RequestOptions options) {
    CallSpan span = start(tracer, params);
    StreamResponse<ChatCompletionChunk> stream =
        span.guard(() -> service.createStreaming(params, options));
    return new TracedStreamResponse<>(stream, new StreamRecorder(span));
  }

  static AsyncStreamResponse<ChatCompletionChunk> createStreamingAsync(
      Tracer tracer,
      ChatCompletionServiceAsync service,
      ChatCompletionCreateParams params,
      RequestOptions options) {
    CallSpan span = start(tracer, params);
    AsyncStreamResponse<ChatCompletionChunk> stream =
        span.guard(() -> service.createStreaming(params, options));
    return new TracedAsyncStreamResponse<>(stream, new StreamRecorder(span));
  }

  /** Opens the span under the thread's current span and records the request. */
  private static CallSpan start(Tracer tracer, ChatCompletionCreateParams params) {
    CallSpan span = new CallSpan(tracer.startSpan(SPAN_NAME, SpanType.LLM));
    // Into the call's one row, logged as the span ends (with the reply, or the error).
    try {
      request(span.row(), params);
    } catch (RuntimeException e) {
      LOG.warn("could not record a chat completion request: {}", e.toString());
    }
    // After the request's fields, so none of them can overwrite the prompt's provenance.
    PromptMetadata prompt = PromptMetadata.current();
    if (prompt != null) {
      span.row().metadata("prompt", prompt.toMap());
    }
    return span;
  }

  /** The request: its messages as the input, its other fields as metadata. */
  private static Log.Builder request(Log.Builder b, ChatCompletionCreateParams params) {
    RequestFields.record(b, params._body(), "messages", METADATA);
    return b;
  }

  private static void completed(CallSpan span, ChatCompletion completion) {
    if (!span.claimEnd()) {
      return;
    }
    Log.Builder b = span.row();
    // Each part on its own: a response missing one (no usage, choices of an unknown shape) still
    // gives the others, and nothing is made up for what is missing.
    try {
      // The resolved model the response names (a dated version of the requested alias).
      completion._model().asString().ifPresent(m -> b.metadata("model", m));
    } catch (RuntimeException e) {
      LOG.warn("could not read a chat completion's model for its span: {}", e.toString());
    }
    try {
      completion._usage().asKnown().ifPresent(u -> Usage.record(b, u));
    } catch (RuntimeException e) {
      LOG.warn("could not read a chat completion's usage for its span: {}", e.toString());
    }
    try {
      b.output(new SdkJson(completion._choices()));
    } catch (RuntimeException e) {
      LOG.warn("could not read a chat completion's choices for its span: {}", e.toString());
    }
    span.end(b);
  }
}

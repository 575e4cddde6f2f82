package dev.braintrust.reactive.instrumentation.anthropic.internal;

import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.services.async.MessageServiceAsync;
import com.anthropic.services.blocking.MessageService;
import dev.braintrust.reactive.core.PromptMetadata;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The four traced Messages calls. Each opens an {@code llm} span under the thread's current span,
 * runs the SDK's call with the span current, and returns what the SDK returned (or an equivalent
 * wrapper of the same type), throwing what it threw. Recording never throws into the call.
 */
final class MessageCalls {
  private static final LibraryLog LOG = LibraryLog.get(MessageCalls.class);

  private final Tracer tracer;

  MessageCalls(Tracer tracer) {
    this.tracer = tracer;
  }

  Message create(MessageService target, MessageCreateParams params, RequestOptions options) {
    Span span = start(MessageRows.CREATE, params);
    try (Scope ignored = span.makeCurrent()) {
      Message message = target.create(params, options);
      recordResponse(span, message);
      return message;
    } catch (RuntimeException | Error e) {
      span.error(e);
      throw e;
    } finally {
      span.end();
    }
  }

  StreamResponse<RawMessageStreamEvent> createStreaming(
      MessageService target, MessageCreateParams params, RequestOptions options) {
    Span span = start(MessageRows.STREAM, params);
    long startNanos = System.nanoTime();
    StreamResponse<RawMessageStreamEvent> stream =
        opened(span, () -> target.createStreaming(params, options));
    return new TracedStreamResponse(stream, new StreamRecorder(span, startNanos));
  }

  /**
   * The returned future completes as the SDK's does, with the same value or exception, right after
   * the span has ended (so whoever waits on it and then flushes finds the span); cancelling it
   * cancels the SDK's future.
   */
  CompletableFuture<Message> createAsync(
      MessageServiceAsync target, MessageCreateParams params, RequestOptions options) {
    Span span = start(MessageRows.CREATE, params);
    CompletableFuture<Message> call = opened(span, () -> target.create(params, options));
    CompletableFuture<Message> result = new CompletableFuture<>();
    call.whenComplete(
        (message, error) -> {
          if (error == null) {
            recordResponse(span, message);
          } else if (unwrap(error) instanceof CancellationException) {
            span.metadata("cancelled", true);
          } else {
            span.error(unwrap(error));
          }
          span.end();
          // The exception exactly as stored, so handle/exceptionally see what the SDK's future
          // gives.
          if (error == null) {
            result.complete(message);
          } else {
            result.completeExceptionally(error);
          }
        });
    result.whenComplete(
        (message, error) -> {
          if (result.isCancelled()) {
            call.cancel(false);
          }
        });
    return result;
  }

  AsyncStreamResponse<RawMessageStreamEvent> createStreamingAsync(
      MessageServiceAsync target, MessageCreateParams params, RequestOptions options) {
    Span span = start(MessageRows.STREAM, params);
    long startNanos = System.nanoTime();
    AsyncStreamResponse<RawMessageStreamEvent> stream =
        opened(span, () -> target.createStreaming(params, options));
    return new TracedAsyncStreamResponse(stream, new StreamRecorder(span, startNanos));
  }

  /**
   * Runs the SDK's call with the span current; if it throws, the span records the error and ends,
   * and the same exception goes on to the caller.
   */
  private static <T> T opened(Span span, Supplier<T> call) {
    try (Scope ignored = span.makeCurrent()) {
      return call.get();
    } catch (RuntimeException | Error e) {
      span.error(e);
      span.end();
      throw e;
    }
  }

  private Span start(String name, MessageCreateParams params) {
    Span span = tracer.startSpan(name, SpanType.LLM);
    try {
      span.log(MessageRows.request(params));
    } catch (RuntimeException e) {
      LOG.warn("could not record an Anthropic request on span {}", span.name(), e);
    }
    // After the request's fields, so none of them can overwrite the prompt's provenance.
    PromptMetadata prompt = PromptMetadata.current();
    if (prompt != null) {
      try {
        span.metadata("prompt", prompt.toMap());
      } catch (RuntimeException e) {
        LOG.warn("could not record the prompt on span {}", span.name(), e);
      }
    }
    return span;
  }

  private static void recordResponse(Span span, Message message) {
    try {
      span.log(MessageRows.response(message));
    } catch (RuntimeException e) {
      LOG.warn("could not record an Anthropic reply on span {}", span.name(), e);
    }
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}

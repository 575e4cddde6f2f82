package dev.braintrust.reactive.instrumentation.anthropic.internal;

import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.services.async.MessageServiceAsync;
import com.anthropic.services.blocking.MessageService;
import dev.braintrust.reactive.core.Log;
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

  /**
   * The request's fields and the reply's go into one builder, logged once as the span ends: a whole
   * call's row is only ever seen ended, and one log spares the caller a second log's maps and their
   * merge into the span's.
   */
  Message create(MessageService target, MessageCreateParams params, RequestOptions options) {
    Span span = tracer.startSpan(MessageRows.CREATE, SpanType.LLM);
    Log.Builder row = request(span, params);
    try (Scope ignored = span.makeCurrent()) {
      Message message = target.create(params, options);
      response(span, row, message);
      return message;
    } catch (RuntimeException | Error e) {
      row.error(e);
      throw e;
    } finally {
      log(span, row);
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
    Span span = tracer.startSpan(MessageRows.CREATE, SpanType.LLM);
    Log.Builder row = request(span, params);
    CompletableFuture<Message> call;
    try (Scope ignored = span.makeCurrent()) {
      call = target.create(params, options);
    } catch (RuntimeException | Error e) {
      log(span, row.error(e));
      span.end();
      throw e;
    }
    CompletableFuture<Message> result = new CompletableFuture<>();
    call.whenComplete(
        (message, error) -> {
          if (error == null) {
            response(span, row, message);
          } else if (unwrap(error) instanceof CancellationException) {
            row.metadata("cancelled", true);
          } else {
            row.error(unwrap(error));
          }
          log(span, row);
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
    log(span, request(span, params));
    return span;
  }

  /**
   * The request's input and parameters, then the current prompt's provenance, if any, in a builder
   * not yet logged; a request that cannot be read costs its fields, never the call.
   */
  private static Log.Builder request(Span span, MessageCreateParams params) {
    Log.Builder row;
    try {
      row = MessageRows.request(params);
    } catch (RuntimeException e) {
      LOG.warn("could not record an Anthropic request on span {}", span.name(), e);
      row = Log.builder();
    }
    // After the request's fields, so none of them can overwrite the prompt's provenance.
    PromptMetadata prompt = PromptMetadata.current();
    if (prompt != null) {
      try {
        row.metadata("prompt", prompt.toMap());
      } catch (RuntimeException e) {
        LOG.warn("could not record the prompt on span {}", span.name(), e);
      }
    }
    return row;
  }

  private static void response(Span span, Log.Builder row, Message message) {
    try {
      MessageRows.response(row, message);
    } catch (RuntimeException e) {
      LOG.warn("could not record an Anthropic reply on span {}", span.name(), e);
    }
  }

  private static void log(Span span, Log.Builder row) {
    try {
      span.log(row.build());
    } catch (RuntimeException e) {
      LOG.warn("could not record an Anthropic call on span {}", span.name(), e);
    }
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}

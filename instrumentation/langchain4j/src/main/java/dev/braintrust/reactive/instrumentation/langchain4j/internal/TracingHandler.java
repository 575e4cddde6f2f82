package dev.braintrust.reactive.instrumentation.langchain4j.internal;

import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Passes every callback to the caller's handler unchanged, after noting the first token, the text
 * so far, and the end of the call. The streaming handle the caller gets cancels the call as before
 * and also ends the span as cancelled.
 */
final class TracingHandler implements StreamingChatResponseHandler {
  private final StreamingChatResponseHandler handler;
  private final CallSpan span;
  private final @Nullable Span parent;
  // Guarded by lock: partial responses arrive on the model's thread, cancel on any. A lock, not a
  // monitor: cancelling ends the span, which may wait for room in the exporter's buffer, and a
  // virtual thread must not pin its carrier while it does.
  private final ReentrantLock lock = new ReentrantLock();
  private final StringBuilder text = new StringBuilder();
  private double timeToFirstToken = -1;

  TracingHandler(StreamingChatResponseHandler handler, CallSpan span, @Nullable Span parent) {
    this.handler = handler;
    this.span = span;
    this.parent = parent;
  }

  /**
   * Makes the call's parent current while the caller's handler hears of a finished call or tool
   * call. A tool loop (an AI Service's) runs its tools and starts the next model call inside these
   * callbacks, on the HTTP client's thread: with the parent current there, they stay in the
   * caller's trace instead of each starting a new one.
   */
  private Scope parentScope() {
    return parent == null ? NO_SCOPE : parent.makeCurrent();
  }

  private static final Scope NO_SCOPE = () -> {};

  private void arrived(@Nullable String partial) {
    lock.lock();
    try {
      // The first token is the first content: an empty text fragment is none (thinking and tool
      // call fragments, passed as null, are).
      if (timeToFirstToken < 0 && (partial == null || !partial.isEmpty())) {
        timeToFirstToken = span.elapsedSeconds();
      }
      if (partial != null) {
        text.append(partial);
      }
    } finally {
      lock.unlock();
    }
  }

  private Log.Builder withFirstToken(Log.Builder b) {
    lock.lock();
    try {
      if (timeToFirstToken >= 0) {
        b.metric("time_to_first_token", timeToFirstToken);
      }
      return b;
    } finally {
      lock.unlock();
    }
  }

  private void cancelled() {
    lock.lock();
    try {
      span.cancel(withFirstToken(Rows.partial(text.toString())));
    } finally {
      lock.unlock();
    }
  }

  private StreamingHandle traced(StreamingHandle handle) {
    return new StreamingHandle() {
      @Override
      public void cancel() {
        cancelled();
        handle.cancel();
        ModelCalls.cancelled(parent);
      }

      @Override
      public boolean isCancelled() {
        return handle.isCancelled();
      }
    };
  }

  @Override
  public void onPartialResponse(String partialResponse) {
    arrived(partialResponse);
    handler.onPartialResponse(partialResponse);
  }

  @Override
  public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
    arrived(partialResponse.text());
    handler.onPartialResponse(
        partialResponse, new PartialResponseContext(traced(context.streamingHandle())));
  }

  @Override
  public void onPartialThinking(PartialThinking partialThinking) {
    arrived(null);
    handler.onPartialThinking(partialThinking);
  }

  @Override
  public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
    arrived(null);
    handler.onPartialThinking(
        partialThinking, new PartialThinkingContext(traced(context.streamingHandle())));
  }

  @Override
  public void onPartialToolCall(PartialToolCall partialToolCall) {
    arrived(null);
    handler.onPartialToolCall(partialToolCall);
  }

  @Override
  public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
    arrived(null);
    handler.onPartialToolCall(
        partialToolCall, new PartialToolCallContext(traced(context.streamingHandle())));
  }

  @Override
  public void onCompleteToolCall(CompleteToolCall completeToolCall) {
    try (Scope ignored = parentScope()) {
      handler.onCompleteToolCall(completeToolCall);
    }
  }

  @Override
  public void onUnmappedRawEvent(Object rawEvent) {
    handler.onUnmappedRawEvent(rawEvent);
  }

  @Override
  public void onCompleteResponse(ChatResponse response) {
    // The span ends before the caller hears of it, so a flush after completion finds it.
    if (span.claimEnd()) {
      Log.Builder b = Rows.responseOrNull(response);
      span.end(b == null ? null : withFirstToken(b));
    }
    try (Scope ignored = parentScope()) {
      handler.onCompleteResponse(response);
    }
  }

  @Override
  public void onError(Throwable error) {
    span.fail(error);
    handler.onError(error);
  }
}

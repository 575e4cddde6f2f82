package dev.braintrust.reactive.instrumentation.anthropic.internal;

import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.models.messages.RawMessageStreamEvent;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * An asynchronous stream whose handler sees the SDK's events unchanged and in order, each shown to
 * the {@link StreamRecorder} first. The span ends when the stream completes or fails (before the
 * handler hears of it), when it is closed, or, if nobody subscribed, when the SDK's completion
 * future says the call failed or was closed. {@link #onCompleteFuture()} completes as the SDK's
 * does, once the span has ended.
 */
final class TracedAsyncStreamResponse implements AsyncStreamResponse<RawMessageStreamEvent> {
  private final AsyncStreamResponse<RawMessageStreamEvent> delegate;
  private final StreamRecorder recorder;
  private final CompletableFuture<Void> completion = new CompletableFuture<>();

  TracedAsyncStreamResponse(
      AsyncStreamResponse<RawMessageStreamEvent> delegate, StreamRecorder recorder) {
    this.delegate = delegate;
    this.recorder = recorder;
    CompletableFuture<Void> sdk = delegate.onCompleteFuture();
    // Covers a call that fails before anyone subscribes, and a close without a subscriber; with a
    // subscriber the handler below has already ended the span. The caller's future completes
    // after the span ends, so waiting on it and then flushing finds the span, and it completes
    // with the SDK's outcome exactly as stored.
    sdk.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            recorder.fail(unwrap(error));
            completion.completeExceptionally(error);
          } else {
            recorder.cancel();
            completion.complete(null);
          }
        });
    completion.whenComplete(
        (ignored, error) -> {
          if (completion.isCancelled()) {
            sdk.cancel(false);
          }
        });
  }

  @Override
  public AsyncStreamResponse<RawMessageStreamEvent> subscribe(
      Handler<? super RawMessageStreamEvent> handler) {
    delegate.subscribe(new Watching(handler, recorder));
    return this;
  }

  @Override
  public AsyncStreamResponse<RawMessageStreamEvent> subscribe(
      Handler<? super RawMessageStreamEvent> handler, Executor executor) {
    delegate.subscribe(new Watching(handler, recorder), executor);
    return this;
  }

  @Override
  public CompletableFuture<Void> onCompleteFuture() {
    return completion;
  }

  @Override
  public void close() {
    recorder.cancel();
    delegate.close();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  /** The caller's handler, with the recorder told first. */
  private static final class Watching implements Handler<RawMessageStreamEvent> {
    private final Handler<? super RawMessageStreamEvent> handler;
    private final StreamRecorder recorder;
    // What the caller's onNext threw; the SDK reports it back through onComplete.
    private volatile @Nullable Throwable handlerFailure;

    Watching(Handler<? super RawMessageStreamEvent> handler, StreamRecorder recorder) {
      this.handler = handler;
      this.recorder = recorder;
    }

    @Override
    public void onNext(RawMessageStreamEvent event) {
      recorder.onEvent(event);
      try {
        handler.onNext(event);
      } catch (RuntimeException | Error e) {
        handlerFailure = e;
        throw e;
      }
    }

    @Override
    public void onComplete(Optional<Throwable> error) {
      Throwable failure = error.orElse(null);
      if (failure == null) {
        recorder.complete();
      } else if (failure == handlerFailure) {
        recorder.cancel();
      } else {
        recorder.fail(unwrap(failure));
      }
      handler.onComplete(error);
    }
  }
}

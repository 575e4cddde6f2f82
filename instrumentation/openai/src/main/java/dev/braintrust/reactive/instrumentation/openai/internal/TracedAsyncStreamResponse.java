package dev.braintrust.reactive.instrumentation.openai.internal;

import com.openai.core.http.AsyncStreamResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * An asynchronous stream whose handler sees the client's chunks unchanged; the span ends before the
 * handler's {@code onComplete}, when the request fails before a subscription, or on close.
 */
final class TracedAsyncStreamResponse<T> implements AsyncStreamResponse<T> {
  private final AsyncStreamResponse<T> delegate;
  private final Recorder<T> recorder;

  TracedAsyncStreamResponse(AsyncStreamResponse<T> delegate, Recorder<T> recorder) {
    this.delegate = delegate;
    this.recorder = recorder;
    // Covers a request that fails while nobody has subscribed yet.
    delegate
        .onCompleteFuture()
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                recorder.fail(Futures.unwrap(e));
              }
            });
  }

  @Override
  public AsyncStreamResponse<T> subscribe(Handler<? super T> handler) {
    delegate.subscribe(new Recording<>(handler, recorder));
    return this;
  }

  @Override
  public AsyncStreamResponse<T> subscribe(Handler<? super T> handler, Executor executor) {
    delegate.subscribe(new Recording<>(handler, recorder), executor);
    return this;
  }

  @Override
  public CompletableFuture<Void> onCompleteFuture() {
    return delegate.onCompleteFuture();
  }

  @Override
  public void close() {
    recorder.cancel();
    delegate.close();
  }

  private static final class Recording<T> implements Handler<T> {
    private final Handler<? super T> handler;
    private final Recorder<T> recorder;

    Recording(Handler<? super T> handler, Recorder<T> recorder) {
      this.handler = handler;
      this.recorder = recorder;
    }

    @Override
    public void onNext(T chunk) {
      recorder.next(chunk);
      handler.onNext(chunk);
    }

    @Override
    public void onComplete(Optional<Throwable> error) {
      if (error.isPresent()) {
        recorder.fail(error.get());
      } else {
        recorder.complete();
      }
      handler.onComplete(error);
    }
  }
}

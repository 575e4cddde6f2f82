package dev.braintrust.reactive.instrumentation.openai.internal;

import com.openai.core.http.AsyncStreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * An asynchronous stream whose handler sees the client's chunks unchanged; the span ends before the
 * handler's {@code onComplete}, when the request fails before a subscription, or on close.
 */
final class TracedAsyncStreamResponse implements AsyncStreamResponse<ChatCompletionChunk> {
  private final AsyncStreamResponse<ChatCompletionChunk> delegate;
  private final StreamRecorder recorder;

  TracedAsyncStreamResponse(
      AsyncStreamResponse<ChatCompletionChunk> delegate, StreamRecorder recorder) {
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
  public AsyncStreamResponse<ChatCompletionChunk> subscribe(
      Handler<? super ChatCompletionChunk> handler) {
    delegate.subscribe(new Recording(handler, recorder));
    return this;
  }

  @Override
  public AsyncStreamResponse<ChatCompletionChunk> subscribe(
      Handler<? super ChatCompletionChunk> handler, Executor executor) {
    delegate.subscribe(new Recording(handler, recorder), executor);
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

  private static final class Recording implements Handler<ChatCompletionChunk> {
    private final Handler<? super ChatCompletionChunk> handler;
    private final StreamRecorder recorder;

    Recording(Handler<? super ChatCompletionChunk> handler, StreamRecorder recorder) {
      this.handler = handler;
      this.recorder = recorder;
    }

    @Override
    public void onNext(ChatCompletionChunk chunk) {
      recorder.chunk(chunk);
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

package dev.braintrust.reactive.instrumentation.openai.internal;

import dev.braintrust.reactive.core.internal.CallSpan;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

/** Async calls: the span ends when the client's future completes, before the caller sees it. */
final class Futures {
  private Futures() {}

  /**
   * A future completing as {@code source} does (same value, same exception object), after the span
   * has ended. Cancelling it cancels {@code source}, as cancelling the client's own future would,
   * and ends the span as cancelled.
   */
  static <T> CompletableFuture<T> traced(
      CompletableFuture<T> source, CallSpan span, BiConsumer<CallSpan, T> onValue) {
    CompletableFuture<T> out = new CompletableFuture<>();
    source.whenComplete(
        (value, error) -> {
          if (error == null) {
            onValue.accept(span, value);
            out.complete(value);
          } else {
            span.fail(unwrap(error));
            out.completeExceptionally(error);
          }
        });
    out.whenComplete(
        (value, error) -> {
          if (out.isCancelled()) {
            span.cancel();
            source.cancel(true);
          }
        });
    return out;
  }

  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}

package dev.braintrust.reactive.core;

import dev.braintrust.reactive.core.internal.SignalWatch;

/**
 * Ends a traced publisher's span as its signals pass: one operator where {@code doOnError}, {@code
 * doOnTerminate} and {@code doOnCancel} would be three, which a traced web request pays for on
 * every call. The span goes into the context upstream sees with a {@code contextWrite} beside it.
 *
 * <p>The span ends before the terminal signal (or, for a Mono, its value) reaches the subscriber,
 * so whoever waits on the result and then flushes finds the span in the buffer.
 */
final class SpanSignals<T> extends SignalWatch<T> {
  private final Span span;
  private final boolean mono;
  private final boolean captureValue;

  private SpanSignals(Span span, boolean mono, boolean captureValue) {
    this.span = span;
    this.mono = mono;
    this.captureValue = captureValue;
  }

  /** For a Mono: a value ends the span (recorded as output when {@code captureValue}). */
  static <T> SpanSignals<T> mono(Span span, boolean captureValue) {
    return new SpanSignals<>(span, true, captureValue);
  }

  /** For a Flux: only completion, error or cancellation ends the span. */
  static <T> SpanSignals<T> flux(Span span) {
    return new SpanSignals<>(span, false, false);
  }

  @Override
  public void onNext(T value) {
    if (mono) {
      if (captureValue) {
        span.output(value);
      }
      span.end();
    }
  }

  @Override
  public void onComplete() {
    span.end();
  }

  @Override
  public void onError(Throwable error) {
    span.error(error);
    span.end();
  }

  @Override
  public void onCancel() {
    if (!span.isEnded()) {
      span.metadata("cancelled", true);
      span.end();
    }
  }
}

package dev.braintrust.reactive.core;

import org.jspecify.annotations.Nullable;
import reactor.core.observability.DefaultSignalListener;
import reactor.core.observability.SignalListener;
import reactor.core.observability.SignalListenerFactory;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Ends a traced publisher's span as its signals pass, and puts the span in the context upstream
 * sees: one {@code tap} operator where {@code doOnError}, {@code doOnTerminate}, {@code doOnCancel}
 * and {@code contextWrite} would be four, which a traced web request pays for on every call.
 *
 * <p>The span ends before the terminal signal (or, for a Mono, its value) reaches the subscriber,
 * so whoever waits on the result and then flushes finds the span in the buffer.
 */
final class SpanSignals<T> implements SignalListenerFactory<T, Void> {
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
  public @Nullable Void initializePublisherState(org.reactivestreams.Publisher<? extends T> p) {
    return null;
  }

  @Override
  public SignalListener<T> createListener(
      org.reactivestreams.Publisher<? extends T> publisher, ContextView context, @Nullable Void s) {
    return new Listener<>(span, mono, captureValue);
  }

  private static final class Listener<T> extends DefaultSignalListener<T> {
    private final Span span;
    private final boolean mono;
    private final boolean captureValue;

    Listener(Span span, boolean mono, boolean captureValue) {
      this.span = span;
      this.mono = mono;
      this.captureValue = captureValue;
    }

    @Override
    public void doOnNext(T value) {
      if (mono) {
        if (captureValue) {
          span.output(value);
        }
        span.end();
      }
    }

    @Override
    public void doOnComplete() {
      span.end();
    }

    @Override
    public void doOnError(Throwable error) {
      span.error(error);
      span.end();
    }

    @Override
    public void doOnCancel() {
      if (!span.isEnded()) {
        span.metadata("cancelled", true);
        span.end();
      }
    }

    @Override
    public Context addToContext(Context originalContext) {
      return Tracing.withSpan(originalContext, span);
    }
  }
}

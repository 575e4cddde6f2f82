package dev.braintrust.reactive.core.internal;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * What a traced publisher does as its signals pass, one per subscription: the operator that calls
 * it ({@link #mono}, {@link #flux}) is what {@code tap} would be, without the thread-local restore
 * Reactor wraps every {@code tap} listener in once Micrometer's context-propagation library is on
 * the class path. That restore ran on each of a listener's seven hooks, and on a traced web request
 * cost more than the rest of tracing on the request's thread. A watch never needs it: it ends a
 * span and reads no thread-locals.
 *
 * <p>A hook that throws is reported to {@link Operators#onErrorDropped} and the signal goes on:
 * tracing never breaks the traced stream.
 *
 * @param <T> the element type
 */
public abstract class SignalWatch<T> {
  /** For subclasses. */
  protected SignalWatch() {}

  /**
   * A value is about to go downstream.
   *
   * @param value the value
   */
  public void onNext(T value) {}

  /** Completion is about to go downstream. */
  public void onComplete() {}

  /**
   * An error is about to go downstream.
   *
   * @param error the error
   */
  public void onError(Throwable error) {}

  /** The subscriber cancelled before the publisher ended. */
  public void onCancel() {}

  /**
   * {@code source} with a watch from {@code watches} on each subscription, given the subscriber's
   * context.
   *
   * @param source the Mono watched
   * @param watches makes each subscription's watch
   * @param <T> the value type
   * @return the watched Mono
   */
  public static <T> Mono<T> mono(
      Mono<T> source, Function<? super ContextView, ? extends SignalWatch<T>> watches) {
    return new WatchedMono<>(source, watches);
  }

  /**
   * {@code source} with a watch from {@code watches} on each subscription, given the subscriber's
   * context.
   *
   * @param source the Flux watched
   * @param watches makes each subscription's watch
   * @param <T> the element type
   * @return the watched Flux
   */
  public static <T> Flux<T> flux(
      Flux<T> source, Function<? super ContextView, ? extends SignalWatch<T>> watches) {
    return new WatchedFlux<>(source, watches);
  }

  private static final class WatchedMono<T> extends MonoOperator<T, T> {
    private final Function<? super ContextView, ? extends SignalWatch<T>> watches;

    WatchedMono(Mono<T> source, Function<? super ContextView, ? extends SignalWatch<T>> watches) {
      super(source);
      this.watches = watches;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
      source.subscribe(new Watcher<>(actual, watches.apply(actual.currentContext())));
    }
  }

  private static final class WatchedFlux<T> extends FluxOperator<T, T> {
    private final Function<? super ContextView, ? extends SignalWatch<T>> watches;

    WatchedFlux(Flux<T> source, Function<? super ContextView, ? extends SignalWatch<T>> watches) {
      super(source);
      this.watches = watches;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
      source.subscribe(new Watcher<>(actual, watches.apply(actual.currentContext())));
    }
  }

  /** Passes every signal through, calling the watch first. */
  private static final class Watcher<T> implements CoreSubscriber<T>, Subscription, Scannable {
    private final CoreSubscriber<? super T> actual;
    private final SignalWatch<T> watch;
    private @Nullable Subscription upstream;
    // Read by cancel(), which may come from another thread than the signals.
    private volatile boolean done;

    Watcher(CoreSubscriber<? super T> actual, SignalWatch<T> watch) {
      this.actual = actual;
      this.watch = watch;
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        actual.onSubscribe(this);
      }
    }

    @Override
    public void onNext(T value) {
      if (done) {
        Operators.onNextDropped(value, currentContext());
        return;
      }
      try {
        watch.onNext(value);
      } catch (Throwable t) {
        hookFailed(t);
      }
      actual.onNext(value);
    }

    @Override
    public void onError(Throwable error) {
      if (done) {
        Operators.onErrorDropped(error, currentContext());
        return;
      }
      done = true;
      try {
        watch.onError(error);
      } catch (Throwable t) {
        hookFailed(t);
      }
      actual.onError(error);
    }

    @Override
    public void onComplete() {
      if (done) {
        return;
      }
      done = true;
      try {
        watch.onComplete();
      } catch (Throwable t) {
        hookFailed(t);
      }
      actual.onComplete();
    }

    @Override
    public void request(long n) {
      java.util.Objects.requireNonNull(upstream).request(n);
    }

    @Override
    public void cancel() {
      // A cancel after the end (a Mono's subscriber cancelling once it has its value) is not a
      // cancellation of the work watched.
      if (!done) {
        try {
          watch.onCancel();
        } catch (Throwable t) {
          hookFailed(t);
        }
      }
      java.util.Objects.requireNonNull(upstream).cancel();
    }

    private void hookFailed(Throwable t) {
      Exceptions.throwIfJvmFatal(t);
      Operators.onErrorDropped(t, currentContext());
    }

    @Override
    public @Nullable Object scanUnsafe(Attr key) {
      if (key == Attr.PARENT) {
        return upstream;
      }
      if (key == Attr.ACTUAL) {
        return actual;
      }
      if (key == Attr.TERMINATED) {
        return done;
      }
      if (key == Attr.RUN_STYLE) {
        return Attr.RunStyle.SYNC;
      }
      return null;
    }
  }
}

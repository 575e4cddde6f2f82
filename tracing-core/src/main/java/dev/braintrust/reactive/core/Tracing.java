package dev.braintrust.reactive.core;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Access to the current span: a thread-local for blocking code and the Reactor {@link Context} for
 * reactive code.
 *
 * <p>Reactive code reads the current span from the subscriber context, so parentage survives {@code
 * publishOn}, {@code subscribeOn} and {@code flatMap}; {@link Tracer#mono} and {@link Tracer#flux}
 * put it there.
 */
public final class Tracing {
  /** The Reactor context key holding the current {@link Span}. */
  public static final Object CONTEXT_KEY = Span.class;

  private static final ThreadLocal<@Nullable Span> CURRENT = new ThreadLocal<>();
  private static volatile @Nullable ContextBridge bridge;

  private Tracing() {}

  /**
   * Installs the bridge to another tracing system, replacing any earlier one; null removes it.
   * Meant for integrations such as the OpenTelemetry bridge, installed once at startup.
   *
   * @param contextBridge the context bridge
   */
  public static void installBridge(@Nullable ContextBridge contextBridge) {
    bridge = contextBridge;
  }

  /**
   * The span current on this thread (through the installed bridge if any), or null.
   *
   * @return the span current on this thread (through the installed bridge if any), or null
   */
  public static @Nullable Span currentSpan() {
    ContextBridge b = bridge;
    if (b != null) {
      Span s = b.currentSpan();
      if (s != null) {
        return s;
      }
    }
    return CURRENT.get();
  }

  /**
   * The span in this Reactor context, else the one current on this thread, else null.
   *
   * @param context the Reactor context
   * @return the span, or null
   */
  public static @Nullable Span currentSpan(ContextView context) {
    Object s = context.getOrDefault(CONTEXT_KEY, null);
    return s instanceof Span ? (Span) s : currentSpan();
  }

  /**
   * A context with {@code span} as the current span.
   *
   * @param context the Reactor context
   * @param span the span
   * @return the new context
   */
  public static Context withSpan(Context context, Span span) {
    return context.put(CONTEXT_KEY, span);
  }

  /**
   * Wraps an executor so each task runs with the span that was current when it was submitted.
   *
   * @param executor the executor to wrap
   * @return the wrapping executor
   */
  public static Executor wrap(Executor executor) {
    return command -> executor.execute(wrap(command));
  }

  /**
   * Wraps a task so it runs with the span current now.
   *
   * @param task the task to wrap
   * @return the wrapping task
   */
  public static Runnable wrap(Runnable task) {
    Span captured = currentSpan();
    if (captured == null) {
      return task;
    }
    return () -> {
      try (Scope ignored = makeCurrent(captured)) {
        task.run();
      }
    };
  }

  /**
   * Wraps a callable so it runs with the span current now.
   *
   * @param <T> the result type
   * @param task the callable to wrap
   * @return the wrapping callable
   */
  public static <T> Callable<T> wrap(Callable<T> task) {
    Span captured = currentSpan();
    if (captured == null) {
      return task;
    }
    return () -> {
      try (Scope ignored = makeCurrent(captured)) {
        return task.call();
      }
    };
  }

  /**
   * A Mono that runs blocking {@code task} with the subscriber context's span current on the
   * thread, so spans the task starts (directly or through {@link Traced} proxies) become its
   * children. Use it instead of {@code Mono.fromCallable} inside traced reactive chains.
   *
   * @param task the blocking task
   * @param <T> the value type
   * @return a Mono that runs blocking {@code task} with the subscriber context's span current on
   *     the thread, so spans the task starts (directly or through {@link Traced} proxies) become
   *     its children
   */
  public static <T> Mono<T> fromCallable(Callable<? extends @Nullable T> task) {
    return Mono.deferContextual(
        ctx ->
            Mono.fromCallable(
                () -> {
                  try (Scope ignored = makeCurrent(currentSpan(ctx))) {
                    return task.call();
                  }
                }));
  }

  /**
   * The span a scope set on this thread, leaving any bridge out; for {@link
   * SpanThreadLocalAccessor}.
   */
  static @Nullable Span localSpan() {
    return CURRENT.get();
  }

  /**
   * Sets (or with null clears) this thread's span without a scope; for {@link
   * SpanThreadLocalAccessor}.
   */
  static void setLocalSpan(@Nullable Span span) {
    // set(null), not remove(): see RestoringScope.close.
    CURRENT.set(span);
  }

  static Scope makeCurrent(@Nullable Span span) {
    ContextBridge b = bridge;
    Span previous = CURRENT.get();
    if (previous == span && b == null) {
      return NoopScope.INSTANCE;
    }
    CURRENT.set(span);
    Scope local = new RestoringScope(previous);
    if (b == null || span == null) {
      return local;
    }
    Scope other = b.makeCurrent(span);
    return () -> {
      other.close();
      local.close();
    };
  }

  private enum NoopScope implements Scope {
    INSTANCE;

    @Override
    public void close() {}
  }

  private static final class RestoringScope implements Scope {
    private final @Nullable Span previous;
    private boolean closed;

    RestoringScope(@Nullable Span previous) {
      this.previous = previous;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        // set(null), not remove(): a request thread opens and closes scopes all the time, and
        // remove() clears the entry's weak reference (a native call) only for the next get() to
        // create the entry again. The entry holds no span once it is null.
        CURRENT.set(previous);
      }
    }
  }
}

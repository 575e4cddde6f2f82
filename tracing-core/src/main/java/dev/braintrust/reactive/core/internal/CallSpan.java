package dev.braintrust.reactive.core.internal;

import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The span of one LLM client call, for the instrumentation modules, ended exactly once: a stream
 * can be exhausted, fail and be closed, a future completed and cancelled, from different threads;
 * only the first outcome is recorded so nothing arrives as a late merge into a finished row.
 */
public final class CallSpan {
  private static final LibraryLog LOG = LibraryLog.get(CallSpan.class);

  private final Span span;
  private final long startNanos = System.nanoTime();
  private final AtomicBoolean ended = new AtomicBoolean();
  // Fields gathered through the call (request, then reply), logged once as it ends: one log and
  // one merge into the span instead of one per stage. Written by the caller's thread, then by the
  // one that completes the call; the call's own completion orders the two.
  private Log.@Nullable Builder row;

  public CallSpan(Span span) {
    this.span = span;
  }

  /** Seconds since the call started. */
  public double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /**
   * Logs without ever throwing into the caller: a value the recorder chokes on only costs fields.
   */
  public void log(Log.Builder log) {
    try {
      span.log(log.build());
    } catch (RuntimeException e) {
      LOG.warn("could not record on span {}: {}", span.spanId(), e.toString());
    }
  }

  /** The call's row: fields added to it are logged once, when the span ends. */
  public Log.Builder row() {
    Log.Builder r = row;
    if (r == null) {
      r = Log.builder();
      row = r;
    }
    return r;
  }

  /** Claims the end: true for the first caller only, who then calls {@link #end}. */
  public boolean claimEnd() {
    return ended.compareAndSet(false, true);
  }

  /**
   * Logs the call's {@link #row} and the final fields (if any) and ends the span; call after {@link
   * #claimEnd()}.
   */
  public void end(Log.@Nullable Builder last) {
    Log.Builder r = row;
    if (r != null && r != last) {
      log(r);
    }
    if (last != null) {
      log(last);
    }
    span.end();
  }

  /**
   * Runs the client's call: its result is returned as is, and if it throws, the error is recorded,
   * the span ended, and the same exception rethrown.
   */
  public <T> T guard(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException | Error e) {
      fail(e);
      throw e;
    }
  }

  /** Records the error and ends the span, unless it already ended. */
  public void fail(Throwable error) {
    if (claimEnd()) {
      end(row().error(error));
    }
  }

  /** Marks the call cancelled and ends the span, unless it already ended. */
  public void cancel() {
    cancel(Log.builder());
  }

  /** Marks the call cancelled and ends the span with what arrived, unless it already ended. */
  public void cancel(Log.Builder partial) {
    if (claimEnd()) {
      end(partial.metadata("cancelled", true));
    }
  }
}

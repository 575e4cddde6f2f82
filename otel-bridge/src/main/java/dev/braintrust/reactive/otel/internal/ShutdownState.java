package dev.braintrust.reactive.otel.internal;

import dev.braintrust.reactive.core.internal.LibraryLog;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The bridge's own record of being shut down. It doesn't ask the underlying exporter, which may be
 * shared, may be shut down by someone else, and whose second shutdown would start a new wait; OTel
 * callers (an SDK provider, a shutdown hook, application code) routinely call shutdown more than
 * once.
 */
public final class ShutdownState {
  private final LibraryLog log;
  private final String owner;
  private final AtomicReference<@Nullable CompletableResultCode> result = new AtomicReference<>();
  private final AtomicBoolean warnedRepeat = new AtomicBoolean();
  private final AtomicBoolean warnedLate = new AtomicBoolean();

  /** {@code owner} names the bridge class in log lines. */
  public ShutdownState(LibraryLog log, String owner) {
    this.log = log;
    this.owner = owner;
  }

  /** Whether {@link #shutdown} was called; read on every span, so a single volatile read. */
  public boolean isShutdown() {
    return result.get() != null;
  }

  /**
   * Runs {@code action} on the first call only. Later calls never wait: they get the first call's
   * code once it has completed, and until then an already-succeeded one, as OTel's own processors
   * answer a repeated shutdown.
   */
  public CompletableResultCode shutdown(Supplier<CompletableResultCode> action) {
    CompletableResultCode mine = new CompletableResultCode();
    CompletableResultCode first = result.compareAndExchange(null, mine);
    if (first != null) {
      if (warnedRepeat.compareAndSet(false, true)) {
        log.debug(
            "{}.shutdown() called more than once; later calls don't wait (logged once)", owner);
      }
      return first.isDone() ? first : CompletableResultCode.ofSuccess();
    }
    CompletableResultCode done;
    try {
      done = action.get();
    } catch (RuntimeException e) {
      log.warn("{} shutdown failed", owner, e);
      return mine.fail();
    }
    done.whenComplete(
        () -> {
          if (done.isSuccess()) {
            mine.succeed();
          } else {
            mine.fail();
          }
        });
    return mine;
  }

  /** Logs, once, that {@code what} arrived after shutdown and was dropped. */
  public void ignoredAfterShutdown(String what) {
    if (warnedLate.compareAndSet(false, true)) {
      log.warn("{}: {} after shutdown; not sent (logged once)", owner, what);
    }
  }
}

package dev.braintrust.reactive.core;

import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The content of a row built when first read (see {@code EventAccess#deferred}): by the encoder on
 * the exporter's thread, unless a stage before it (a masker, a byte budget, attachments) reads it
 * on the caller's. Built once, under the deferred's own lock (uncontended: one thread reads a row
 * at a time). If building throws, the row is still sent: the fallback's content (its ids and times,
 * say) with the reason under {@code metadata.serialization_errors}, and the encoder counts it as a
 * serialization error, so nothing accepted is lost silently.
 */
final class Deferred {
  private static final LibraryLog LOG = LibraryLog.get(Deferred.class);
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  final boolean mayHoldAttachments;
  // Dropped once built, so the input (an OTel SpanData, say) is not kept while the row waits for
  // its batch to settle.
  private @Nullable Supplier<BraintrustEvent> body;
  private @Nullable Function<Throwable, BraintrustEvent> fallback;
  private final Destination destination;
  private final String id;
  private volatile @Nullable BraintrustEvent built;
  volatile @Nullable String failure;

  Deferred(
      Destination destination,
      String id,
      boolean mayHoldAttachments,
      Supplier<BraintrustEvent> body,
      Function<Throwable, BraintrustEvent> fallback) {
    this.destination = destination;
    this.id = id;
    this.mayHoldAttachments = mayHoldAttachments;
    this.body = body;
    this.fallback = fallback;
  }

  BraintrustEvent get() {
    BraintrustEvent b = built;
    if (b == null) {
      synchronized (this) {
        b = built;
        if (b == null) {
          b = build();
          built = b;
          body = null;
          fallback = null;
        }
      }
    }
    return b;
  }

  private BraintrustEvent build() {
    Supplier<BraintrustEvent> body = java.util.Objects.requireNonNull(this.body);
    Function<Throwable, BraintrustEvent> fallback = java.util.Objects.requireNonNull(this.fallback);
    try {
      return body.get();
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      String reason = "the row could not be built: " + describe(e);
      failure = reason;
      if (LOGGED.compareAndSet(false, true)) {
        // The first failure's stack trace says where; later ones are counted as serialization
        // errors with their reason.
        LOG.error("Braintrust: building row " + id + " failed (logged once)", e);
      }
      try {
        return fallback.apply(e);
      } catch (RuntimeException | LinkageError | StackOverflowError again) {
        return BraintrustEvent.builder(destination, id)
            .metadata(EventEncoder.ERRORS_KEY, List.of(reason))
            .build();
      }
    }
  }

  /** The exception's simple class name and the first line of its message. */
  private static String describe(Throwable e) {
    String msg = e.getMessage();
    if (msg == null) {
      return e.getClass().getSimpleName();
    }
    int nl = msg.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl < 0 ? msg : msg.substring(0, nl));
  }
}

package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.Destination;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * A sealed batch waiting for, or in, its requests. Created and sent by the drain worker; its
 * progress is written by encode and transport threads and read by whoever settles it (the worker on
 * completion, or the shutdown deadline), so those fields are volatile and settling is a CAS.
 */
final class PendingBatch {
  final Destination destination;
  final List<QueueItem.Entry> entries;
  final int[] weights;
  final long totalWeight;
  // What the rows hold against the byte budget (or the spool feed's bound), released on settling.
  final long bytes;

  /** Completes with how many of its events were not delivered. */
  final CompletableFuture<Long> done = new CompletableFuture<>();

  private final AtomicBoolean settled = new AtomicBoolean();
  volatile @Nullable Disposable request;
  volatile boolean sending;
  // Events acknowledged, refused row by row, or dropped while encoding, chunk by chunk.
  volatile long delivered;
  volatile long rejected;
  volatile long droppedInEncoding;
  // Chunks are acknowledged in order: a batch sent again after a throttle resumes here.
  volatile int ackedUpTo;
  // Events dropped while encoding, so encoding the batch again does not count them twice.
  final boolean[] skipped;

  /** When the batch was sealed, in scheduler nanos: its events' age, near enough. */
  final long sealedAt;

  PendingBatch(
      Destination destination, List<QueueItem.Entry> entries, int[] weights, long sealedAt) {
    this.destination = destination;
    this.entries = entries;
    this.weights = weights;
    this.skipped = new boolean[entries.size()];
    this.sealedAt = sealedAt;
    long w = 0;
    long b = 0;
    for (int i = 0; i < entries.size(); i++) {
      w += weights[i];
      b += entries.get(i).bytes();
    }
    this.totalWeight = w;
    this.bytes = b;
  }

  /** True for the one caller that settles this batch. */
  boolean settle() {
    return settled.compareAndSet(false, true);
  }

  boolean isSettled() {
    return settled.get();
  }

  /** Events neither delivered, refused nor dropped while encoding. */
  long unresolved() {
    return Math.max(0, totalWeight - delivered - rejected - droppedInEncoding);
  }

  /** Completes {@link #done} and cancels a request still in flight. */
  void finish(long undelivered) {
    done.complete(undelivered);
    Disposable r = request;
    if (r != null) {
      r.dispose();
    }
  }
}

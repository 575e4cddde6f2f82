package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.Destination;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * A sealed batch waiting for, or in, its requests. Owned by the drain worker from sealing to
 * settlement: the answers of its requests, the rows dropped while encoding it and a shutdown
 * deadline are all handed to the worker (see {@link Batcher}), which alone writes its progress and
 * settles it. Only {@link #skipped} is the encode side's: one cursor at a time reads and marks it,
 * each after the previous send's end reached the worker.
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

  private boolean settled;
  @Nullable Disposable request;
  boolean sending;
  // Events acknowledged, refused row by row, or dropped while encoding, chunk by chunk.
  long delivered;
  long rejected;
  long droppedInEncoding;
  // Chunks are acknowledged in order: a batch sent again after a throttle resumes here.
  int ackedUpTo;
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

  /** True the first time: the one caller that settles this batch counts it. */
  boolean settle() {
    if (settled) {
      return false;
    }
    settled = true;
    return true;
  }

  boolean isSettled() {
    return settled;
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

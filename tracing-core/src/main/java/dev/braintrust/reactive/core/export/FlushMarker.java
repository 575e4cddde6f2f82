package dev.braintrust.reactive.core.export;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A point in the queue; completes with the count of events before it that were not delivered.
 * Created on the caller's thread, given its batches by the drain worker, and completed early by a
 * shutdown deadline if the batches never finish.
 */
final class FlushMarker implements QueueItem {
  final CompletableFuture<Long> done = new CompletableFuture<>();
  private volatile @Nullable List<PendingBatch> awaited;

  /** Called by the worker when the marker reaches the head of the queue. */
  void await(List<PendingBatch> before) {
    awaited = before;
    if (before.isEmpty()) {
      done.complete(0L);
      return;
    }
    CompletableFuture<?>[] all = new CompletableFuture<?>[before.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = before.get(i).done;
    }
    CompletableFuture.allOf(all).thenRun(() -> done.complete(undelivered(before)));
  }

  /**
   * At a shutdown deadline: completes with what its batches left undelivered, or with everything
   * the shutdown abandoned when the worker never reached the marker.
   */
  void abandon(long abandonedByShutdown) {
    List<PendingBatch> before = awaited;
    done.complete(before == null ? abandonedByShutdown : undelivered(before));
  }

  private static long undelivered(List<PendingBatch> batches) {
    long n = 0;
    for (PendingBatch p : batches) {
      n += p.done.getNow(p.unresolved() + p.rejected);
    }
    return n;
  }
}

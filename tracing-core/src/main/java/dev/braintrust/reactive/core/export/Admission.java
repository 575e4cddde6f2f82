package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Schedulers;

/**
 * The producer side of the buffer: capacity and the overflow policy. Application threads call
 * {@link #offer} (one CAS and one queue offer when there is room); the drain worker polls. The
 * worker is woken through a callback, so admission knows nothing of batching.
 */
final class Admission {
  private final ConcurrentLinkedQueue<QueueItem> queue = new ConcurrentLinkedQueue<>();
  // Shared with the buffer gauge.
  private final AtomicInteger queued;
  private final int capacity;
  private final int wakeAt;
  private final OverflowPolicy policy;
  private final ExporterMetrics metrics;
  private final Runnable wake;
  private final BooleanSupplier throttled;
  private volatile boolean closed;

  Admission(
      int capacity,
      int wakeAt,
      OverflowPolicy policy,
      ExporterMetrics metrics,
      AtomicInteger queued,
      Runnable wake,
      BooleanSupplier throttled) {
    this.capacity = capacity;
    this.wakeAt = wakeAt;
    this.policy = policy;
    this.metrics = metrics;
    this.wake = wake;
    this.queued = queued;
    this.throttled = throttled;
  }

  /** Stops taking events; later offers are dropped as {@code closed}. */
  void close() {
    closed = true;
  }

  /**
   * Takes the event if there is room (or the policy makes some) and counts it either way; wakes the
   * worker once a batch's worth is waiting.
   */
  void offer(@Nullable BraintrustEvent event) {
    metrics.submitted();
    if (event == null) {
      metrics.dropped(DropReason.INVALID, 1, "a null event was submitted");
      return;
    }
    if (closed) {
      metrics.dropped(DropReason.CLOSED, 1, "the exporter is closed");
      return;
    }
    if (!tryReserve() && !makeRoom()) {
      return;
    }
    queue.offer(new QueueItem.Event(event));
    metrics.accepted();
    if (queued.get() >= wakeAt) {
      wake.run();
    }
  }

  /** Places a flush marker behind every event offered so far. */
  void mark(FlushMarker marker) {
    queue.offer(marker);
  }

  /** The next item for the drain worker, or null. */
  @Nullable QueueItem poll() {
    QueueItem item = queue.poll();
    if (item instanceof QueueItem.Event) {
      queued.decrementAndGet();
    }
    return item;
  }

  private boolean tryReserve() {
    for (; ; ) {
      int n = queued.get();
      if (n >= capacity) {
        return false;
      }
      if (queued.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Applies the overflow policy; true when a slot was reserved for the new event. */
  private boolean makeRoom() {
    switch (policy.kind()) {
      case DROP_OLDEST:
        for (int attempt = 0; attempt < 16; attempt++) {
          if (evictOldest() && tryReserve()) {
            return true;
          }
          if (tryReserve()) {
            return true;
          }
        }
        full();
        return false;
      case BLOCK:
        return waitForRoom();
      default:
        full();
        return false;
    }
  }

  private void full() {
    if (throttled.getAsBoolean()) {
      metrics.dropped(
          DropReason.RATE_LIMITED, 1, "the buffer is full while the server throttles the exporter");
    } else {
      metrics.dropped(DropReason.QUEUE_FULL, 1, "the buffer is full");
    }
  }

  private boolean waitForRoom() {
    if (Schedulers.isInNonBlockingThread()) {
      metrics.dropped(
          DropReason.QUEUE_FULL, 1, "the buffer is full (no waiting on a non-blocking thread)");
      return false;
    }
    long deadline = System.nanoTime() + policy.timeout().toNanos();
    long park = 1_000;
    while (System.nanoTime() - deadline < 0 && !closed) {
      if (tryReserve()) {
        return true;
      }
      wake.run();
      LockSupport.parkNanos(park);
      park = Math.min(park * 2, 1_000_000);
    }
    if (tryReserve()) {
      return true;
    }
    metrics.dropped(DropReason.TIMEOUT, 1, "the buffer stayed full for " + policy.timeout());
    return false;
  }

  private boolean evictOldest() {
    for (QueueItem item : queue) {
      // remove(item) is atomic per node, so a race with the drain never counts an event twice.
      if (item instanceof QueueItem.Event && queue.remove(item)) {
        queued.decrementAndGet();
        metrics.droppedAfterAccept(
            DropReason.EVICTED, 1, "the buffer is full; the oldest event was evicted");
        return true;
      }
    }
    return false;
  }
}

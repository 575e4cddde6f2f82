package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.export.internal.EventMasking;
import dev.braintrust.reactive.core.export.internal.SizeEstimate;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Schedulers;

/**
 * The producer side of the buffer: masking, the event and byte capacities, and the overflow policy.
 * Application threads call {@link #offer} (a CAS or two and one queue offer when there is room);
 * the drain worker (or, with a spool, the spool writer) polls. The consumer is woken through a
 * callback, so admission knows nothing of batching.
 *
 * <p>The byte budget is charged with an estimate of each event's JSON ({@link SizeEstimate}): the
 * event is encoded only later, off the caller's thread. The reservation travels with the event and
 * exactly that amount is released when the event leaves memory: when its batch settles (memory
 * only) or when it is written to the spool.
 *
 * <p>{@code capacity} counts the same way: an event holds its place from admission until its batch
 * settles (delivered, failed or dropped), so queued, batched and in-flight events together never
 * exceed it, and the overflow policy applies beyond. With a spool, an event leaves memory once
 * written, and the spool feed bounds what is read back for sending.
 */
final class Admission implements Source {
  private final ConcurrentLinkedQueue<QueueItem> queue = new ConcurrentLinkedQueue<>();
  // Shared with the buffer gauges.
  private final AtomicInteger queued;
  // Events accepted and not yet out of memory: what `capacity` bounds.
  private final AtomicInteger held = new AtomicInteger();
  // Memory only: an event is held until its batch settles. With a spool: until it is polled.
  private final boolean holdUntilSettled;
  private final AtomicLong heldBytes;
  // Bytes of the events still in the queue: wakes the consumer before the budget fills.
  private final AtomicLong queuedBytes = new AtomicLong();
  private final int capacity;
  private final long capacityBytes;
  private final int wakeAt;
  private final long wakeAtBytes;
  private final OverflowPolicy policy;
  private final ExporterMetrics metrics;
  private final @Nullable EventMasking masking;
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
    this(
        capacity,
        Long.MAX_VALUE,
        wakeAt,
        Long.MAX_VALUE,
        policy,
        metrics,
        queued,
        new AtomicLong(),
        null,
        wake,
        throttled,
        true);
  }

  Admission(
      int capacity,
      long capacityBytes,
      int wakeAt,
      long wakeAtBytes,
      OverflowPolicy policy,
      ExporterMetrics metrics,
      AtomicInteger queued,
      AtomicLong heldBytes,
      @Nullable EventMasking masking,
      Runnable wake,
      BooleanSupplier throttled,
      boolean holdUntilSettled) {
    this.holdUntilSettled = holdUntilSettled;
    this.capacity = capacity;
    this.capacityBytes = capacityBytes;
    this.wakeAt = wakeAt;
    this.wakeAtBytes = wakeAtBytes;
    this.policy = policy;
    this.metrics = metrics;
    this.queued = queued;
    this.heldBytes = heldBytes;
    this.masking = masking;
    this.wake = wake;
    this.throttled = throttled;
  }

  /** Stops taking events; later offers are dropped as {@code closed}. */
  void close() {
    closed = true;
  }

  /**
   * Takes the event if there is room (or the policy makes some) and counts it either way; wakes the
   * consumer once a batch's worth is waiting.
   */
  void offer(@Nullable BraintrustEvent event) {
    offer(event, false);
  }

  /**
   * Attachments hook (issue 30): a row the attachment stage held while the exporter was open, taken
   * even once shutdown has begun (its shutdown waits for the stage first).
   */
  void offerStaged(BraintrustEvent event) {
    offer(event, true);
  }

  private void offer(@Nullable BraintrustEvent event, boolean staged) {
    metrics.submitted();
    if (event == null) {
      metrics.dropped(DropReason.INVALID, 1, "a null event was submitted");
      return;
    }
    if (closed && !staged) {
      metrics.dropped(DropReason.CLOSED, 1, "the exporter is closed");
      return;
    }
    if (masking != null) {
      event = masking.apply(event);
    }
    long bytes = capacityBytes == Long.MAX_VALUE ? 0 : SizeEstimate.of(event);
    if (bytes > capacityBytes) {
      metrics.dropped(
          DropReason.OVERSIZED,
          1,
          "event " + event.id() + " is about " + bytes + " bytes, over capacityBytes");
      return;
    }
    if (!tryReserve(bytes) && !makeRoom(bytes)) {
      return;
    }
    queue.offer(new QueueItem.Event(event, bytes));
    metrics.enqueued();
    if (queued.get() >= wakeAt || (bytes > 0 && queuedBytes.addAndGet(bytes) >= wakeAtBytes)) {
      wake.run();
    }
  }

  @Override
  public void mark(FlushMarker marker) {
    queue.offer(marker);
  }

  /** The next item for the consumer, or null; its bytes stay reserved until {@link #release}. */
  @Override
  public @Nullable QueueItem poll() {
    QueueItem item = queue.poll();
    if (item instanceof QueueItem.Event e) {
      queued.decrementAndGet();
      if (!holdUntilSettled) {
        held.decrementAndGet();
      }
      if (e.bytes() > 0) {
        queuedBytes.addAndGet(-e.bytes());
      }
    }
    return item;
  }

  /** Whether nothing (no event, no marker) is waiting. */
  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Gives back bytes reserved by events that left memory. */
  void release(long bytes) {
    if (bytes > 0) {
      heldBytes.addAndGet(-bytes);
    }
  }

  @Override
  public void settled(PendingBatch batch) {
    release(batch);
  }

  @Override
  public void abandoned(PendingBatch batch) {
    release(batch);
  }

  private void release(PendingBatch batch) {
    release(batch.bytes);
    if (holdUntilSettled) {
      // Folded updates count: each accepted event holds its place until its row settles.
      held.addAndGet((int) -batch.totalWeight);
    }
  }

  /** Whether the capacity is taken: the consumer should seal and send what it holds. */
  @Override
  public boolean isFull() {
    return held.get() >= capacity;
  }

  private boolean tryReserve(long bytes) {
    for (; ; ) {
      int n = held.get();
      if (n >= capacity) {
        return false;
      }
      if (held.compareAndSet(n, n + 1)) {
        break;
      }
    }
    if (bytes != 0) {
      for (; ; ) {
        long h = heldBytes.get();
        if (h + bytes > capacityBytes) {
          held.decrementAndGet();
          return false;
        }
        if (heldBytes.compareAndSet(h, h + bytes)) {
          break;
        }
      }
    }
    queued.incrementAndGet();
    return true;
  }

  /** Applies the overflow policy; true when room was reserved for the new event. */
  private boolean makeRoom(long bytes) {
    switch (policy.kind()) {
      case DROP_OLDEST:
        // A large event may need several smaller ones evicted; bounded, and given up once the
        // queue has nothing left to evict (the rest of the budget is held by batches in flight).
        for (int attempt = 0; attempt < 16; attempt++) {
          boolean evicted = evictOldest();
          if (tryReserve(bytes)) {
            return true;
          }
          if (!evicted) {
            break;
          }
        }
        full();
        return false;
      case BLOCK:
        return waitForRoom(bytes);
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

  private boolean waitForRoom(long bytes) {
    if (Schedulers.isInNonBlockingThread()) {
      metrics.dropped(
          DropReason.QUEUE_FULL, 1, "the buffer is full (no waiting on a non-blocking thread)");
      return false;
    }
    long deadline = System.nanoTime() + policy.timeout().toNanos();
    long park = 1_000;
    while (System.nanoTime() - deadline < 0 && !closed) {
      if (tryReserve(bytes)) {
        return true;
      }
      wake.run();
      LockSupport.parkNanos(park);
      park = Math.min(park * 2, 1_000_000);
    }
    if (tryReserve(bytes)) {
      return true;
    }
    metrics.dropped(DropReason.TIMEOUT, 1, "the buffer stayed full for " + policy.timeout());
    return false;
  }

  private boolean evictOldest() {
    for (QueueItem item : queue) {
      // remove(item) is atomic per node, so a race with the drain never counts an event twice.
      if (item instanceof QueueItem.Event e && queue.remove(item)) {
        queued.decrementAndGet();
        held.decrementAndGet();
        if (e.bytes() > 0) {
          queuedBytes.addAndGet(-e.bytes());
          release(e.bytes());
        }
        metrics.evicted("the buffer is full; the oldest event was evicted");
        return true;
      }
    }
    return false;
  }

  /** {@code a * b}, or {@code Long.MAX_VALUE} where the product would overflow. */
  static long saturatedTimes(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high != 0 || low < 0 ? Long.MAX_VALUE : low;
  }
}

package dev.braintrust.reactive.core.export;

import java.util.EnumMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one owner of the exporter's counts and of the identity {@code submitted = delivered + failed
 * + dropped + pending}. Every event moves through it: submitted, then accepted (with a spool:
 * staged in memory until written, then accepted), then delivered, failed or dropped for a reason;
 * pending is what has not reached an end. Meters, logs, health and {@link ExporterStats} only read
 * it.
 *
 * <p>Threads: producers add to striped counters, so counting never contends. The moves that end a
 * batch (on the drain worker), the spool writer's moves and the freeze at shutdown share this
 * object's monitor, so an event is never counted at two ends and nothing moves once frozen.
 */
final class Ledger {
  private final LongAdder submitted = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final EnumMap<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
  private final LongAdder droppedAfterAccept = new LongAdder();
  // With a spool: events taken into memory but not yet written to disk (so not yet accepted).
  private final LongAdder staged = new LongAdder();
  private final boolean spooling;
  private volatile boolean frozen;

  /** With {@code spooling}, events count as accepted once written, and as staged until then. */
  Ledger(boolean spooling) {
    this.spooling = spooling;
    for (DropReason r : DropReason.values()) {
      dropped.put(r, new LongAdder());
    }
  }

  void submitted() {
    submitted.increment();
  }

  /** An event was taken into memory: accepted, or with a spool staged until it is written. */
  void enqueued() {
    if (spooling) {
      staged.increment();
    } else {
      accepted.increment();
    }
  }

  /** An event waiting in memory was evicted to make room. */
  void evicted() {
    if (spooling) {
      staged.decrement();
      dropped.get(DropReason.EVICTED).increment();
    } else {
      droppedAfterAccept(DropReason.EVICTED, 1);
    }
  }

  /**
   * Staged events were written to the spool: they are accepted. After a shutdown deadline counted
   * them as {@code shutdown_deadline}, they move to {@code left_in_spool}, where they are.
   */
  synchronized void spooled(long n) {
    accepted.add(n);
    if (frozen) {
      droppedAfterAccept.add(n);
      dropped.get(DropReason.SHUTDOWN_DEADLINE).add(-n);
      dropped.get(DropReason.LEFT_IN_SPOOL).add(n);
    } else {
      staged.add(-n);
    }
  }

  /** Staged events dropped before they were written; false once frozen (counted then). */
  synchronized boolean droppedStaged(DropReason reason, long n) {
    if (frozen) {
      return false;
    }
    staged.add(-n);
    dropped.get(reason).add(n);
    return true;
  }

  /** Rows of an earlier run read back from the spool: submitted and accepted again here. */
  void replayed(long n) {
    submitted.add(n);
    accepted.add(n);
  }

  /** Events dropped before they were accepted (full buffer, closed, null). */
  void dropped(DropReason reason, long n) {
    dropped.get(reason).add(n);
  }

  /** Accepted events dropped (evicted, oversized, unencodable, expired). */
  void droppedAfterAccept(DropReason reason, long n) {
    droppedAfterAccept.add(n);
    dropped.get(reason).add(n);
  }

  /** A batch ended: its events delivered and failed. False once frozen (counted then). */
  synchronized boolean settleBatch(long deliveredEvents, long failedEvents) {
    if (frozen) {
      return false;
    }
    delivered.addAndGet(deliveredEvents);
    failed.addAndGet(failedEvents);
    return true;
  }

  /**
   * At a shutdown deadline: counts what the abandoned batches had delivered or had refused so far,
   * the rest of the batches still in flight (their fate unknown) and everything else still pending,
   * then freezes. Returns how many events were abandoned.
   */
  synchronized long settleAtDeadline(
      long deliveredEvents, long refusedEvents, long inFlightEvents) {
    if (frozen) {
      return 0;
    }
    delivered.addAndGet(deliveredEvents);
    failed.addAndGet(refusedEvents);
    frozen = true;
    if (spooling) {
      // Everything accepted is on disk, in flight or not: the next exporter on the directory
      // sends it. Only what never reached the disk is lost.
      long onDisk =
          Math.max(0, accepted.sum() - delivered.get() - failed.get() - droppedAfterAccept.sum());
      droppedAfterAccept(DropReason.LEFT_IN_SPOOL, onDisk);
      long notWritten = staged.sum();
      staged.add(-notWritten);
      dropped.get(DropReason.SHUTDOWN_DEADLINE).add(notWritten);
      return onDisk + notWritten;
    }
    droppedAfterAccept(DropReason.IN_FLIGHT_AT_DEADLINE, inFlightEvents);
    long rest = pending();
    droppedAfterAccept(DropReason.SHUTDOWN_DEADLINE, rest);
    return inFlightEvents + rest;
  }

  /** After a clean shutdown: later answers can't change the counts any more. */
  synchronized void freeze() {
    frozen = true;
  }

  /** Whether a shutdown has frozen the counts. */
  boolean isFrozen() {
    return frozen;
  }

  long submittedCount() {
    return submitted.sum();
  }

  long acceptedCount() {
    return accepted.sum();
  }

  long deliveredCount() {
    return delivered.get();
  }

  long failedCount() {
    return failed.get();
  }

  long droppedCount(DropReason reason) {
    return dropped.get(reason).sum();
  }

  long pending() {
    return Math.max(
        0,
        accepted.sum() - delivered.get() - failed.get() - droppedAfterAccept.sum() + staged.sum());
  }

  /** A snapshot; {@code serializationErrors} is not a state of an event, only a note on it. */
  ExporterStats stats(long serializationErrors) {
    EnumMap<DropReason, Long> d = new EnumMap<>(DropReason.class);
    dropped.forEach((k, v) -> d.put(k, v.sum()));
    return new ExporterStats(
        submitted.sum(),
        accepted.sum(),
        delivered.get(),
        failed.get(),
        d,
        pending(),
        serializationErrors);
  }
}

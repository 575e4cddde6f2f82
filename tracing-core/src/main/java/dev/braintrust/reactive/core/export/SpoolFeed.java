package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.export.internal.Segment;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The drain worker's source when a spool is on: rows the spool thread hands on (right after writing
 * them, or read back from disk when sending fell behind), with flush markers in their place. What
 * it hands on and is not yet settled is bounded by rows and bytes, so sending holds a bounded
 * amount of memory however much is on disk. Settled batches are acknowledged to the spool thread,
 * which deletes segments once all their rows are.
 */
final class SpoolFeed implements Source {
  /** Records {@code first} to {@code last} (ordinals) of a segment were settled. */
  record Ack(Segment segment, int first, int last, long lastEnd) {}

  private final ConcurrentLinkedQueue<QueueItem> queue = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong waitingBytes = new AtomicLong();
  private final AtomicInteger outRows = new AtomicInteger();
  private final AtomicLong outBytes = new AtomicLong();
  private final Admission admission;
  private final int maxRows;
  private final long maxBytes;
  private final int wakeAt;
  private final long wakeAtBytes;
  private volatile Runnable pump = () -> {};
  private volatile Runnable wakeBatcher = () -> {};
  private volatile Runnable drainBatcher = () -> {};

  SpoolFeed(Admission admission, int maxRows, long maxBytes, int wakeAt, long wakeAtBytes) {
    this.admission = admission;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.wakeAt = wakeAt;
    this.wakeAtBytes = wakeAtBytes;
  }

  /** Connects the spool thread's signal and the drain worker's wake-ups. */
  void connect(Runnable pump, Runnable wakeBatcher, Runnable drainBatcher) {
    this.pump = pump;
    this.wakeBatcher = wakeBatcher;
    this.drainBatcher = drainBatcher;
  }

  // Spool thread.

  /** Whether another row may be handed on. */
  boolean hasRoom() {
    return outRows.get() < maxRows && outBytes.get() < maxBytes;
  }

  void push(QueueItem.Row row) {
    outRows.incrementAndGet();
    outBytes.addAndGet(row.length());
    queue.offer(row);
    long bytes = waitingBytes.addAndGet(row.length());
    // Woken once a batch's worth (by count or by size) is waiting, on crossing the mark.
    if (waiting.incrementAndGet() == wakeAt
        || (bytes >= wakeAtBytes && bytes - row.length() < wakeAtBytes)) {
      wakeBatcher.run();
    }
  }

  /** Passes a flush marker on behind the rows handed on before it, and runs the worker. */
  void pushMarker(FlushMarker marker) {
    queue.offer(marker);
    drainBatcher.run();
  }

  @Nullable Ack pollAck() {
    return acks.poll();
  }

  // Drain worker (and, for markers, callers of flush).

  @Override
  public @Nullable QueueItem poll() {
    QueueItem item = queue.poll();
    if (item instanceof QueueItem.Row row) {
      waiting.decrementAndGet();
      waitingBytes.addAndGet(-row.length());
    }
    return item;
  }

  @Override
  public void mark(FlushMarker marker) {
    // Through admission, so the marker stays behind every event offered before it.
    admission.mark(marker);
    pump.run();
  }

  @Override
  public void settled(PendingBatch batch) {
    release(batch);
    List<QueueItem.Entry> entries = batch.entries;
    // Runs of consecutive records of one segment, each acknowledged as one.
    QueueItem.Row first = null;
    QueueItem.Row prev = null;
    for (QueueItem.Entry e : entries) {
      if (e instanceof QueueItem.Row row) {
        if (prev != null
            && (row.segment() != prev.segment() || row.ordinal() != prev.ordinal() + 1)) {
          acks.add(new Ack(prev.segment(), first.ordinal(), prev.ordinal(), prev.end()));
          first = null;
        }
        if (first == null) {
          first = row;
        }
        prev = row;
      }
    }
    if (first != null && prev != null) {
      acks.add(new Ack(prev.segment(), first.ordinal(), prev.ordinal(), prev.end()));
    }
    pump.run();
  }

  @Override
  public void abandoned(PendingBatch batch) {
    // Not acknowledged: the rows stay on disk for the next exporter.
    release(batch);
  }

  private void release(PendingBatch batch) {
    outRows.addAndGet(-batch.entries.size());
    outBytes.addAndGet(-batch.bytes);
  }
}

package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.internal.Segment;
import dev.braintrust.reactive.core.export.internal.SpoolFormat;
import dev.braintrust.reactive.core.export.internal.SpoolLog;
import dev.braintrust.reactive.core.export.internal.SpoolMeters;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.core.internal.RowBuffer;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;

/**
 * The spool's own thread, the only one that touches the disk: it takes events from admission,
 * writes them to the JSON rows sent later, appends them to the log in groups (forced to the device
 * per the fsync policy) and only then counts them accepted, hands rows on to the drain worker
 * through the {@link SpoolFeed} (directly after writing while sending keeps up, read back from disk
 * when it does not), places flush markers behind the rows before them, and deletes segments as
 * their rows are acknowledged. Everything here but {@link #signal}, {@link #fsyncTick} and {@link
 * #close} is confined to that thread, so the log needs no locks.
 *
 * <p>When the disk budget is full, {@link OverflowPolicy.Kind#DROP_OLDEST} drops the oldest segment
 * not yet being sent (its rows counted as {@code evicted}); otherwise writing pauses until
 * acknowledgements free space, events wait in memory, and the memory buffer's policy applies to new
 * ones with its usual counters.
 */
final class SpoolPump {
  private static final int GROUP_ROWS = 1024;
  private static final long GROUP_BYTES = 1024 * 1024;
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int MAX_PREFIXES = 1024;

  /** An event written to its row and payload, not yet on disk; holds its admission bytes. */
  private record Staged(Destination destination, byte[] payload, int rowOffset, long reserved)
      implements Waiting {
    int rowLength() {
      return payload.length - rowOffset - 1;
    }
  }

  /** A flush marker waiting in the backlog behind rows. */
  private record Flush(FlushMarker marker) implements Waiting {}

  /** What waits in the backlog for the log: a staged row, or a flush marker. */
  private sealed interface Waiting permits Staged, Flush {}

  /** What a written group holds, in order: its rows, and the markers between them. */
  private sealed interface Grouped permits Written, Mark {
    /** Back to the backlog, when the group's commit failed. */
    Waiting unwritten();
  }

  private record Written(Staged staged, long end) implements Grouped {
    @Override
    public Waiting unwritten() {
      return staged;
    }
  }

  /** A flush marker and the log position it waits for. */
  private record Mark(long segment, long offset, FlushMarker marker) implements Grouped {
    @Override
    public Waiting unwritten() {
      return new Flush(marker);
    }
  }

  private final SpoolLog log;
  private final SpoolMeters meters;
  private final Admission admission;
  private final SpoolFeed feed;
  private final ExporterMetrics metrics;
  private final EventEncoder encoder;
  private final long maxRowBytes;
  private final long maxRecordBytes;
  private final boolean syncEachGroup;
  private final boolean evictOldest;
  private final ScheduledThreadPoolExecutor thread;
  private final AtomicInteger wip = new AtomicInteger();
  private volatile boolean fsyncDue;
  private volatile boolean closing;

  // Confined to the spool thread.
  private final ArrayDeque<Waiting> backlog = new ArrayDeque<>();
  private final ArrayDeque<Mark> marks = new ArrayDeque<>();
  private final Map<Destination, byte[]> prefixes = new HashMap<>();
  private final RowBuffer buffer = new RowBuffer(64 * 1024);
  private long retryAt;
  private boolean failing;
  private boolean replaySealed;

  SpoolPump(
      SpoolLog log,
      SpoolMeters meters,
      SpoolOptions options,
      Admission admission,
      SpoolFeed feed,
      ExporterMetrics metrics,
      EventEncoder encoder,
      long maxRowBytes,
      OverflowPolicy policy) {
    this.log = log;
    this.meters = meters;
    this.admission = admission;
    this.feed = feed;
    this.metrics = metrics;
    this.encoder = encoder;
    this.maxRowBytes = maxRowBytes;
    this.maxRecordBytes = options.maxDiskBytes() - 2L * SpoolFormat.SEGMENT_HEADER;
    this.syncEachGroup = options.fsync().kind() == FsyncPolicy.Kind.EVERY_BATCH;
    this.evictOldest = policy.kind() == OverflowPolicy.Kind.DROP_OLDEST;
    this.thread =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "braintrust-spool");
              t.setDaemon(true);
              return t;
            });
    this.thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Opens the log (taking the directory's lock) on the calling thread, so a refusal is immediate.
   */
  static SpoolLog open(SpoolOptions options, SpoolMeters meters) {
    try {
      SpoolLog log =
          SpoolLog.open(
              options.directory(),
              options.segmentBytes(),
              options.maxDiskBytes(),
              options.fsync().kind() != FsyncPolicy.Kind.NEVER,
              meters);
      meters.gauges(log);
      return log;
    } catch (IOException e) {
      throw new BraintrustException(
          "cannot open the spool directory " + options.directory() + ": " + e, e);
    }
  }

  /** Asks the spool thread to run; cheap while it is running anyway. */
  void signal() {
    if (wip.getAndIncrement() == 0) {
      try {
        thread.execute(this::run);
      } catch (RejectedExecutionException closed) {
        // Closed: nothing more is written.
      }
    }
  }

  /** With an interval fsync policy, ticks {@link #fsyncTick} on {@code worker} at that interval. */
  void scheduleFsync(FsyncPolicy fsync, reactor.core.scheduler.Scheduler.Worker worker) {
    if (fsync.kind() == FsyncPolicy.Kind.INTERVAL) {
      long every = fsync.interval().toNanos();
      worker.schedulePeriodically(this::fsyncTick, every, every, TimeUnit.NANOSECONDS);
    }
  }

  /** For {@link FsyncPolicy#interval}: forces what was written since the last tick. */
  void fsyncTick() {
    fsyncDue = true;
    signal();
  }

  /** Stops writing, forces and closes the files and releases the directory's lock. */
  CompletableFuture<Void> close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    closing = true;
    try {
      thread.execute(
          () -> {
            try {
              acknowledge();
              log.close();
            } finally {
              done.complete(null);
              thread.shutdown();
            }
          });
    } catch (RejectedExecutionException closed) {
      done.complete(null);
    }
    return done;
  }

  private void run() {
    int missed = 1;
    for (; ; ) {
      try {
        while (!closing && step()) {
          // A full group was written: more may be waiting.
        }
      } catch (Throwable t) {
        ExporterMetrics.LOG.error("Braintrust spool thread failed; continuing", t);
        if (Exceptions.isJvmFatal(t)) {
          // Logged, then rethrown as OTel does: the JVM is in no state to go on pretending.
          wip.set(0);
          throw t;
        }
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private boolean step() {
    acknowledge();
    int lost = log.takeLost();
    if (lost > 0) {
      metrics.droppedAfterAccept(DropReason.INVALID, lost, "spooled rows were corrupted on disk");
    }
    fill();
    boolean more = write();
    sealReplayForFlush();
    if (fsyncDue) {
      fsyncDue = false;
      try {
        log.force();
      } catch (IOException e) {
        meters.writeError();
        ExporterMetrics.LOG.warn("Braintrust spool: fsync failed: {}", e.toString());
      }
    }
    return more;
  }

  private void acknowledge() {
    boolean any = false;
    for (SpoolFeed.Ack a = feed.pollAck(); a != null; a = feed.pollAck()) {
      log.resolve(a.segment(), a.first(), a.last(), a.lastEnd());
      any = true;
    }
    if (any) {
      log.saveProgress();
    }
  }

  /** Reads rows back from disk while sending is behind and the feed has room. */
  private void fill() {
    // Rows of this run wait until every replayed row is resolved: replay ends before they go.
    while (!closing && feed.hasRoom() && !log.heldForReplay()) {
      SpoolLog.Record r = log.read();
      if (r == null) {
        break;
      }
      if (r.segment().recovered()) {
        metrics.replayed(1);
      }
      SpoolFormat.Decoded d = SpoolFormat.decode(r.payload());
      if (d == null) {
        log.resolve(r.segment(), r.ordinal(), r.ordinal(), r.end());
        metrics.droppedAfterAccept(
            DropReason.INVALID, 1, "a spooled row could not be read back (" + r.segment() + ")");
      } else {
        feed.push(
            new QueueItem.Row(
                d.destination(),
                r.payload(),
                d.rowOffset(),
                d.rowLength(),
                r.segment(),
                r.ordinal(),
                r.end()));
      }
      releaseMarks();
    }
    releaseMarks();
  }

  /**
   * When a flush waits behind rows held until replay ends, the replayed rows are sealed into
   * batches now rather than at the next interval, so the flush does not wait on itself.
   */
  private void sealReplayForFlush() {
    if (!log.heldForReplay()) {
      replaySealed = false;
    } else if (!marks.isEmpty() && !replaySealed) {
      replaySealed = true;
      feed.pushMarker(new FlushMarker());
    }
  }

  /** Writes one group from admission; true when it was full (so more may be waiting). */
  private boolean write() {
    if (closing
        || (failing && System.nanoTime() - retryAt < 0)
        || (backlog.isEmpty() && admission.isEmpty())) {
      return false;
    }
    Segment seg;
    try {
      seg = log.writable();
      if (seg == null && makeRoom(SpoolFormat.SEGMENT_HEADER)) {
        seg = log.writable();
      }
    } catch (IOException e) {
      failed(e);
      return false;
    }
    if (seg == null) {
      return false;
    }
    boolean direct = log.caughtUp() && !log.replaying();
    List<Grouped> items = new ArrayList<>();
    int rows = 0;
    boolean diskFull = false;
    while (rows < GROUP_ROWS && log.pendingBytes() < GROUP_BYTES && !log.segmentFull()) {
      Waiting next = backlog.poll();
      if (next == null) {
        QueueItem q = admission.poll();
        if (q == null) {
          break;
        }
        next = q instanceof FlushMarker m ? new Flush(m) : stage((QueueItem.Event) q);
        if (next == null) {
          continue;
        }
      }
      if (next instanceof Flush f) {
        long[] at = log.end();
        items.add(new Mark(at[0], at[1], f.marker()));
        continue;
      }
      Staged s = (Staged) next; // the only other kind of Waiting
      long framed = SpoolFormat.RECORD_HEADER + s.payload().length;
      if (!log.fits(framed) && !makeRoom(framed)) {
        // The disk budget is full: the event waits (in memory) for acknowledgements to free room.
        backlog.addFirst(s);
        diskFull = true;
        break;
      }
      items.add(new Written(s, log.append(s.payload(), 0, s.payload().length)));
      rows++;
    }
    if (items.isEmpty()) {
      return false;
    }
    try {
      log.commit(syncEachGroup);
    } catch (IOException e) {
      for (int i = items.size() - 1; i >= 0; i--) {
        backlog.addFirst(items.get(i).unwritten());
      }
      failed(e);
      return false;
    }
    failing = false;
    handOn(items, rows, direct, seg);
    // The group ended full (by rows, bytes or the segment's size): more may be waiting. A full
    // disk waits for acknowledgements instead, which signal this thread.
    return !diskFull && (!backlog.isEmpty() || !admission.isEmpty());
  }

  /** Counts a written group accepted, releases its memory, and hands its rows on if it may. */
  private void handOn(List<Grouped> items, int rows, boolean direct, Segment seg) {
    metrics.spooled(rows);
    long reserved = 0;
    for (Grouped it : items) {
      if (!(it instanceof Written w)) {
        marks.add((Mark) it);
        releaseMarks();
        continue;
      }
      reserved += w.staged().reserved();
      // Handed on without reading it back while sending keeps up; otherwise read back later.
      if (direct && feed.hasRoom()) {
        Staged s = w.staged();
        int ordinal = log.handedOn(seg, w.end());
        feed.push(
            new QueueItem.Row(
                s.destination(), s.payload(), s.rowOffset(), s.rowLength(), seg, ordinal, w.end()));
      } else {
        direct = false;
      }
    }
    admission.release(reserved);
    releaseMarks();
  }

  /** The event as the payload of a record, or null when it was dropped. */
  private @Nullable Staged stage(QueueItem.Event e) {
    BraintrustEvent event = e.event();
    if (prefixes.size() >= MAX_PREFIXES) {
      prefixes.clear();
    }
    byte[] prefix = prefixes.computeIfAbsent(event.destination(), SpoolFormat::prefix);
    buffer.truncate(0);
    buffer.write(prefix, 0, prefix.length);
    List<String> errors;
    try {
      errors = encoder.encodeTo(event, buffer);
    } catch (RuntimeException ex) {
      return drop(e, DropReason.INVALID, "event " + event.id() + " could not be encoded: " + ex);
    }
    int rowLength = buffer.length() - prefix.length;
    if (EncodedBatch.bodyBytesFor(rowLength, 1) > maxRowBytes
        || buffer.length() + 1L + SpoolFormat.RECORD_HEADER > maxRecordBytes) {
      return drop(
          e,
          DropReason.OVERSIZED,
          "event " + event.id() + " is " + rowLength + " bytes of JSON, over the request limit");
    }
    if (!errors.isEmpty()) {
      metrics.serializationError(event.id(), errors);
    }
    buffer.write('}');
    return new Staged(
        event.destination(),
        Arrays.copyOf(buffer.array(), buffer.length()),
        prefix.length,
        e.bytes());
  }

  private @Nullable Staged drop(QueueItem.Event e, DropReason reason, String why) {
    metrics.droppedStaged(reason, 1, why);
    admission.release(e.bytes());
    return null;
  }

  /** With drop-oldest, drops unsent segments until {@code bytes} fit; false when they can't. */
  private boolean makeRoom(long bytes) {
    while (evictOldest && !metrics.isSettled()) {
      Segment s = log.evictable();
      if (s == null) {
        return false;
      }
      boolean recovered = s.recovered();
      int n = log.evict(s);
      if (recovered) {
        metrics.replayed(n);
      }
      if (n > 0) {
        metrics.droppedAfterAccept(
            DropReason.EVICTED,
            n,
            "the spool reached maxDiskBytes; its oldest unsent segment (" + s + ") was dropped");
      }
      if (log.fits(bytes)) {
        return true;
      }
    }
    return false;
  }

  private void releaseMarks() {
    for (Mark m = marks.peek();
        m != null && log.passed(m.segment(), m.offset());
        m = marks.peek()) {
      marks.poll();
      feed.pushMarker(m.marker());
    }
  }

  private void failed(IOException e) {
    meters.writeError();
    if (!failing) {
      ExporterMetrics.LOG.warn(
          "Braintrust spool: a write failed ({}); retrying every second, events wait in memory"
              + " meanwhile",
          e.toString());
    }
    failing = true;
    retryAt = System.nanoTime() + RETRY_NANOS;
    try {
      thread.schedule(this::signal, RETRY_NANOS, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      // Closed meanwhile.
    }
  }
}

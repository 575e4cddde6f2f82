package dev.braintrust.reactive.core.export.internal;

import dev.braintrust.reactive.core.internal.LibraryLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A segmented write-ahead log of rows (the format is in the package documentation). Appends go to
 * the newest segment; a read cursor hands records on in order, across segments; a segment file is
 * deleted once the cursor has passed it and every record read from it was resolved (acknowledged or
 * given up). Segments left by an earlier run are read first and counted as replayed.
 *
 * <p>Not thread-safe: everything but {@link #diskBytes()} and {@link #segmentCount()} runs on the
 * spool's own thread. Opening takes the directory's lock ({@link SpoolDirectory}).
 */
public final class SpoolLog {
  static final LibraryLog LOG = LibraryLog.get(SpoolLog.class);

  /**
   * A record read back: its segment, its payload, the offset just after it, and its ordinal among
   * the records of the segment handed on in this run.
   */
  public record Record(Segment segment, byte[] payload, long end, int ordinal) {}

  private final SpoolDirectory dir;
  private final long segmentBytes;
  private final long maxDiskBytes;
  private final boolean durable;
  private final SpoolMeters meters;
  private final List<Segment> segments;
  private long nextId;
  private @Nullable Segment writeSeg;
  private @Nullable Segment readSeg;
  private long readOffset;
  private static final int PENDING_START = 64 * 1024;
  private static final int PENDING_KEPT = 256 * 1024;
  private ByteBuffer pending = ByteBuffer.allocate(PENDING_START);
  private int pendingRecords;
  private boolean dirty;
  private int lostAccepted;
  private final SegmentReader reader = new SegmentReader();
  private volatile long diskBytes;
  private volatile int segmentCount;
  // The acknowledged position last saved: segment id and offset.
  private long savedSegment = -1;
  private long savedOffset = -1;

  /**
   * Opens (creating it if needed) the log in {@code directory}: takes the lock, and lists the
   * segments an earlier run left, to be read first. {@code durable} forces a segment to the device
   * when it is closed and the directory when a segment is created.
   */
  public static SpoolLog open(
      Path directory, long segmentBytes, long maxDiskBytes, boolean durable, SpoolMeters meters)
      throws IOException {
    SpoolDirectory dir = SpoolDirectory.lock(directory);
    try {
      return new SpoolLog(dir, segmentBytes, maxDiskBytes, durable, meters);
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  private SpoolLog(
      SpoolDirectory dir, long segmentBytes, long maxDiskBytes, boolean durable, SpoolMeters meters)
      throws IOException {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.maxDiskBytes = maxDiskBytes;
    this.durable = durable;
    this.meters = meters;
    this.segments = new ArrayList<>();
    SpoolDirectory.Recovered found = dir.recover();
    segments.addAll(found.segments());
    this.nextId = found.nextId();
    this.diskBytes = found.bytes();
    this.segmentCount = segments.size();
    if (!segments.isEmpty()) {
      readSeg = segments.get(0);
      readOffset = 0;
    }
  }

  /** Bytes of the segment files, as charged against the disk budget. */
  public long diskBytes() {
    return diskBytes;
  }

  /** Segment files now. */
  public int segmentCount() {
    return segmentCount;
  }

  /**
   * Whether the current segment is full with what is appended: the group ends there, so a segment
   * exceeds {@code segmentBytes} by at most one record.
   */
  public boolean segmentFull() {
    Segment w = writeSeg;
    return w != null && w.size + pending.position() >= segmentBytes;
  }

  /** Bytes appended but not yet written. */
  public long pendingBytes() {
    return pending.position();
  }

  /**
   * The segment the next records go to, started when there is none or the last one is full; null
   * when starting one would exceed the disk budget.
   */
  public @Nullable Segment writable() throws IOException {
    Segment w = writeSeg;
    if (w != null && !w.sealed && w.size < segmentBytes) {
      return w;
    }
    if (diskBytes + SpoolFormat.SEGMENT_HEADER > maxDiskBytes) {
      return null;
    }
    if (w != null && !w.sealed) {
      seal(w);
    }
    Segment s = new Segment(nextId, dir.path().resolve(SpoolFormat.segmentName(nextId)), false);
    nextId++;
    FileChannel ch =
        FileChannel.open(
            s.path,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    try {
      Segment.writeFully(ch, ByteBuffer.wrap(SpoolFormat.MAGIC), 0);
      if (durable) {
        dir.sync();
      }
    } catch (IOException e) {
      ch.close();
      dir.delete(s.path);
      throw e;
    }
    s.channel(ch);
    s.size = SpoolFormat.SEGMENT_HEADER;
    s.fileSize = s.size;
    segments.add(s);
    segmentCount = segments.size();
    writeSeg = s;
    charge(s.size);
    if (readSeg == null) {
      readSeg = s;
      readOffset = s.size;
    }
    return s;
  }

  private void seal(Segment s) throws IOException {
    s.sealed = true;
    if (durable && dirty && s.isOpen()) {
      s.channel().force(false);
      meters.fsync();
    }
    dirty = false;
  }

  /** Whether {@code framedBytes} more fit in the disk budget after what is pending. */
  public boolean fits(long framedBytes) {
    return diskBytes + pending.position() + framedBytes <= maxDiskBytes;
  }

  /**
   * Frames a payload into the pending write for the current {@link #writable()} segment; returns
   * the offset just after it.
   */
  public long append(byte[] payload, int off, int len) {
    int need = SpoolFormat.RECORD_HEADER + len;
    if (pending.remaining() < need) {
      ByteBuffer bigger =
          ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + need));
      pending.flip();
      bigger.put(pending);
      pending = bigger;
    }
    SpoolFormat.frame(pending, payload, off, len);
    pendingRecords++;
    return java.util.Objects.requireNonNull(writeSeg).size + pending.position();
  }

  /**
   * Writes what was appended, forcing it to the device when {@code force}. On failure nothing of it
   * counts: the segment is cut back and closed for appends (the next group starts a new one).
   */
  public void commit(boolean force) throws IOException {
    Segment s = java.util.Objects.requireNonNull(writeSeg);
    int n = pending.position();
    if (n == 0) {
      return;
    }
    pending.flip();
    try {
      FileChannel ch = s.channel();
      Segment.writeFully(ch, pending, s.size);
      if (force) {
        ch.force(false);
        meters.fsync();
      } else {
        dirty = true;
      }
    } catch (IOException e) {
      meters.writeError();
      s.sealed = true;
      try {
        s.channel().truncate(s.size);
      } catch (IOException ignored) {
        // The tail past s.size is skipped as torn when read; only the budget is charged it.
        long garbage = Math.max(0, dir.size(s.path) - s.fileSize);
        s.fileSize += garbage;
        charge(garbage);
      }
      throw e;
    } finally {
      pending.clear();
      if (pending.capacity() > PENDING_KEPT) {
        // A group of large rows grew it; it is not kept at that size between groups.
        pending = ByteBuffer.allocate(PENDING_START);
      }
    }
    s.size += n;
    s.fileSize += n;
    s.written += pendingRecords;
    pendingRecords = 0;
    charge(n);
  }

  /** Forces written data to the device if some is not yet; true when it did. */
  public boolean force() throws IOException {
    Segment w = writeSeg;
    if (!dirty || w == null || !w.isOpen()) {
      return false;
    }
    w.channel().force(false);
    dirty = false;
    meters.fsync();
    return true;
  }

  /** Whether the read cursor is at the end of the log: new records can be handed on directly. */
  public boolean caughtUp() {
    normalize();
    Segment r = readSeg;
    return r == null || (r == writeSeg && readOffset >= r.size);
  }

  /** Moves the cursor over a record handed on directly after writing; returns its ordinal. */
  public int handedOn(Segment s, long end) {
    if (readSeg != s || end <= readOffset) {
      throw new IllegalStateException("records must be handed on in order");
    }
    readOffset = end;
    return s.read++;
  }

  /** Whether rows of an earlier run are unresolved: rows of this run wait until none are. */
  public boolean replaying() {
    return !segments.isEmpty() && segments.get(0).recovered;
  }

  /** Whether the cursor is at rows of this run while rows of an earlier run are unresolved. */
  public boolean heldForReplay() {
    normalize();
    Segment r = readSeg;
    return r != null && !r.recovered && replaying();
  }

  /** Whether the cursor has passed position {@code offset} of segment {@code segmentId}. */
  public boolean passed(long segmentId, long offset) {
    normalize();
    Segment r = readSeg;
    return r == null || r.id > segmentId || (r.id == segmentId && readOffset >= offset);
  }

  /** The position just after everything appended so far: where a flush marker goes. */
  public long[] end() {
    Segment w = java.util.Objects.requireNonNull(writeSeg);
    return new long[] {w.id, w.size + pending.position()};
  }

  /** How many records written in this run were lost to corruption since the last call. */
  public int takeLost() {
    int n = lostAccepted;
    lostAccepted = 0;
    return n;
  }

  /**
   * The next record at the cursor, or null when the cursor is at the end. A torn or corrupt record
   * ends its segment: the rest is skipped, counted, and cut off, and reading goes on with the next.
   */
  public @Nullable Record read() {
    for (; ; ) {
      normalize();
      Segment s = readSeg;
      if (s == null || (!s.sealed && readOffset >= s.size)) {
        return null;
      }
      if (readOffset == 0) {
        String problem = reader.header(s);
        if (problem != null) {
          corrupt(s, 0, problem);
        } else {
          readOffset = Math.max(SpoolFormat.SEGMENT_HEADER, Math.min(s.start, s.size));
        }
        continue;
      }
      SegmentReader.Result r = reader.record(s, readOffset);
      byte[] payload = r.payload();
      if (payload == null) {
        corrupt(s, readOffset, String.valueOf(r.problem()));
        continue;
      }
      readOffset = r.end();
      int ordinal = s.read++;
      if (s.recovered) {
        meters.replayed();
      }
      return new Record(s, payload, readOffset, ordinal);
    }
  }

  /**
   * Records {@code first} to {@code last} of {@code s} (ordinals) are resolved, the last ending at
   * {@code lastEnd}; deletes the segment once all of its records are.
   */
  public void resolve(Segment s, int first, int last, long lastEnd) {
    s.resolved(first, last, lastEnd);
    maybeDelete(s);
  }

  /**
   * Saves the position before which every record is resolved, when it moved: a process killed after
   * this sends again only what was handed on past it (the batches in flight), not the whole open
   * segment.
   */
  public void saveProgress() {
    if (segments.isEmpty()) {
      return;
    }
    Segment oldest = segments.get(0);
    long offset = oldest.resolvedEnd();
    if (oldest.id != savedSegment || offset != savedOffset) {
      dir.saveAcked(oldest.id, offset);
      savedSegment = oldest.id;
      savedOffset = offset;
    }
  }

  /**
   * The oldest segment none of whose records was handed on, which can be dropped to make room; null
   * when there is none besides the one being written.
   */
  public @Nullable Segment evictable() {
    normalize();
    Segment r = readSeg;
    if (r == null) {
      return null;
    }
    if (r.read == 0
        && r.sealed
        && r != writeSeg
        && readOffset <= Math.max(SpoolFormat.SEGMENT_HEADER, r.start)) {
      return r;
    }
    for (int i = segments.indexOf(r) + 1; i < segments.size(); i++) {
      Segment s = segments.get(i);
      if (s.sealed && s != writeSeg) {
        return s;
      }
    }
    return null;
  }

  /**
   * Deletes an unread segment from {@link #evictable()}; returns how many records it held (read
   * from the record headers for one left by an earlier run).
   */
  public int evict(Segment s) {
    int n = s.recovered ? reader.count(s) : s.written;
    if (s == readSeg) {
      Segment next = after(s);
      readSeg = next;
      readOffset = start(next);
    }
    s.readDone = true;
    delete(s);
    return n;
  }

  /** Forces (when durable) and closes every file, deletes resolved segments, releases the lock. */
  public void close() {
    Segment w = writeSeg;
    try {
      if (w != null && !w.sealed) {
        seal(w);
      }
    } catch (IOException e) {
      LOG.warn("Braintrust spool: the last segment could not be synced: {}", e.toString());
    }
    writeSeg = null;
    normalize();
    for (Segment s : new ArrayList<>(segments)) {
      maybeDelete(s);
      s.close();
    }
    saveProgress();
    dir.close();
  }

  /** Moves the cursor past the ends of closed segments, finishing them. */
  private void normalize() {
    while (readSeg != null && readSeg.sealed && readOffset >= readSeg.size) {
      Segment done = readSeg;
      Segment next = after(done);
      done.readDone = true;
      readSeg = next;
      readOffset = start(next);
      reader.forget(done);
      if (!maybeDelete(done)) {
        done.close();
      }
    }
  }

  private static long start(@Nullable Segment s) {
    return s == null || s.recovered ? 0 : SpoolFormat.SEGMENT_HEADER;
  }

  private @Nullable Segment after(Segment s) {
    int i = segments.indexOf(s);
    return i >= 0 && i + 1 < segments.size() ? segments.get(i + 1) : null;
  }

  private boolean maybeDelete(Segment s) {
    if (s.readDone && s.resolved >= s.read && s != writeSeg && segments.contains(s)) {
      delete(s);
      return true;
    }
    return false;
  }

  private void delete(Segment s) {
    s.close();
    reader.forget(s);
    dir.delete(s.path);
    segments.remove(s);
    segmentCount = segments.size();
    charge(-s.fileSize);
  }

  private void corrupt(Segment s, long at, String why) {
    long skipped = Math.max(0, s.size - at);
    meters.corrupt(skipped);
    LOG.warn(
        "Braintrust spool: skipped the last {} byte(s) of {} because {}; replay goes on",
        skipped,
        s,
        why);
    if (!s.recovered) {
      lostAccepted += Math.max(0, s.written - s.read);
    }
    try {
      s.channel().truncate(at);
      charge(at - s.fileSize);
      s.fileSize = at;
    } catch (IOException e) {
      // The bytes stay charged until the segment is deleted.
    }
    s.size = at;
    s.sealed = true;
    if (s == writeSeg) {
      writeSeg = null;
    }
    reader.forget(s);
    readOffset = at;
  }

  private void charge(long bytes) {
    diskBytes += bytes;
  }
}

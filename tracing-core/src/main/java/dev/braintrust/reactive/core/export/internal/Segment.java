package dev.braintrust.reactive.core.export.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One segment file of a {@link SpoolLog} and what the log knows of it. Confined to the spool's
 * thread; rows read from it carry it so their acknowledgements find it.
 */
public final class Segment {
  final long id;
  final Path path;
  final boolean recovered;
  private @Nullable FileChannel channel;
  // Bytes of the header and complete records; fileSize is what the disk budget is charged.
  long size;
  long fileSize;
  // Records written in this run, handed on (read back or given directly), and resolved.
  int written;
  int read;
  int resolved;
  // No more appends; the read cursor has passed it.
  boolean sealed;
  boolean readDone;
  // Where its records start: after the header, or after what an earlier run had acknowledged.
  long start = SpoolFormat.SEGMENT_HEADER;
  // Records handed on in this run are numbered 0, 1, ... in order; done marks those resolved.
  // Records 0 to prefix-1 are all resolved, the last of them ending at prefixEnd: the position
  // up to which nothing needs sending again. runEnds keeps, by ordinal, where the last record
  // of each run of resolved records ends, for runs past the prefix.
  private final BitSet done = new BitSet();
  private final TreeMap<Integer, Long> runEnds = new TreeMap<>();
  private int prefix;
  private long prefixEnd = -1;

  Segment(long id, Path path, boolean recovered) {
    this.id = id;
    this.path = path;
    this.recovered = recovered;
  }

  /** The segment's number, increasing with age. */
  public long id() {
    return id;
  }

  /** Whether it was left by an earlier run. */
  public boolean recovered() {
    return recovered;
  }

  /**
   * Records {@code first} to {@code last} (ordinals, in the order handed on) are resolved; the last
   * ends at {@code lastEnd}.
   */
  void resolved(int first, int last, long lastEnd) {
    done.set(first, last + 1);
    resolved += last - first + 1;
    runEnds.put(last, lastEnd);
    int p = done.nextClearBit(prefix);
    if (p > prefix) {
      // The record before the first unresolved one ends a run: a run ending later would have
      // resolved that one too.
      Long end = runEnds.get(p - 1);
      if (end != null) {
        prefixEnd = end;
        prefix = p;
        runEnds.headMap(p, false).clear();
      }
    }
  }

  /** The offset before which every record is resolved (acknowledged or given up for good). */
  long resolvedEnd() {
    return prefix == 0 || prefixEnd < 0 ? start : prefixEnd;
  }

  /** The open channel, opened for reading and writing when first needed. */
  FileChannel channel() throws IOException {
    FileChannel ch = channel;
    if (ch == null) {
      ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      channel = ch;
    }
    return ch;
  }

  /** The channel of a segment just created. */
  void channel(FileChannel ch) {
    this.channel = ch;
  }

  boolean isOpen() {
    return channel != null;
  }

  void close() {
    FileChannel ch = channel;
    channel = null;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // Nothing more to do with it.
      }
    }
  }

  @Override
  public String toString() {
    return path.getFileName().toString();
  }

  static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
  }

  /** Fills {@code b} from {@code at}, then flips it for reading. */
  static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, at);
      if (n < 0) {
        throw new EOFException("the segment ends early");
      }
      at += n;
    }
    b.flip();
  }
}

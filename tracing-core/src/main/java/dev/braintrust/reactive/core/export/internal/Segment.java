package dev.braintrust.reactive.core.export.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

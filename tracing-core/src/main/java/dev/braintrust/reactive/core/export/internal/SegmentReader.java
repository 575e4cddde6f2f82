package dev.braintrust.reactive.core.export.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads records from segments through a read-ahead buffer, checking each against the format: a
 * short header, an impossible length or a checksum that does not match is reported as the reason
 * the segment's tail is unusable. Confined to the spool's thread.
 */
final class SegmentReader {
  private static final int BUFFER = 256 * 1024;
  private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
  private @Nullable Segment bufSeg;
  private long bufStart;

  /** A record, or why there is none at that offset. */
  record Result(byte @Nullable [] payload, long end, @Nullable String problem) {}

  /** Checks a segment's header; null when it is good, else why not. */
  @Nullable String header(Segment s) {
    try {
      byte[] magic = bytes(s, 0, (int) Math.min(SpoolFormat.SEGMENT_HEADER, s.size));
      return Arrays.equals(magic, SpoolFormat.MAGIC) ? null : "it is not a spool segment";
    } catch (IOException e) {
      return "it could not be read (" + e + ")";
    }
  }

  /** The record at {@code at} in {@code s}, which holds {@code s.size} good bytes at most. */
  Result record(Segment s, long at) {
    long left = s.size - at;
    if (left < SpoolFormat.RECORD_HEADER) {
      return new Result(null, at, "a record header is torn");
    }
    try {
      ByteBuffer h = ByteBuffer.wrap(bytes(s, at, SpoolFormat.RECORD_HEADER));
      int len = h.getInt();
      int crc = h.getInt();
      if (len <= 0 || len > left - SpoolFormat.RECORD_HEADER) {
        return new Result(null, at, "a record is torn (length " + len + ")");
      }
      byte[] payload = bytes(s, at + SpoolFormat.RECORD_HEADER, len);
      if (SpoolFormat.crc(payload, 0, len) != crc) {
        return new Result(null, at, "a record's checksum does not match");
      }
      return new Result(payload, at + SpoolFormat.RECORD_HEADER + len, null);
    } catch (IOException e) {
      return new Result(null, at, "it could not be read (" + e + ")");
    }
  }

  /** Records in a segment, counted from their headers alone (no checksums): for evicting it. */
  int count(Segment s) {
    int n = 0;
    try {
      long at = Math.max(SpoolFormat.SEGMENT_HEADER, s.start);
      ByteBuffer h = ByteBuffer.allocate(SpoolFormat.RECORD_HEADER);
      while (s.size - at >= SpoolFormat.RECORD_HEADER) {
        h.clear();
        Segment.readFully(s.channel(), h, at);
        int len = h.getInt(0);
        if (len <= 0 || len > s.size - at - SpoolFormat.RECORD_HEADER) {
          break;
        }
        at += SpoolFormat.RECORD_HEADER + len;
        n++;
      }
    } catch (IOException e) {
      // Counted as far as readable.
    }
    return n;
  }

  /** Forgets buffered bytes of {@code s} (cut off, or deleted). */
  void forget(Segment s) {
    if (bufSeg == s) {
      bufSeg = null;
    }
  }

  private byte[] bytes(Segment s, long pos, int len) throws IOException {
    byte[] out = new byte[len];
    if (len > BUFFER) {
      Segment.readFully(s.channel(), ByteBuffer.wrap(out), pos);
      return out;
    }
    if (bufSeg != s || pos < bufStart || pos + len > bufStart + buf.limit()) {
      buf.clear();
      buf.limit((int) Math.min(BUFFER, Math.max(len, s.size - pos)));
      bufSeg = null;
      Segment.readFully(s.channel(), buf, pos);
      bufSeg = s;
      bufStart = pos;
    }
    buf.get((int) (pos - bufStart), out, 0, len);
    return out;
  }
}

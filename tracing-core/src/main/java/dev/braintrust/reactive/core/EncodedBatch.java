package dev.braintrust.reactive.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A batch of rows already written as JSON, ready for one insert request. The request body is
 * {@code {"events":[row,row,...]}}.
 */
public final class EncodedBatch {
  private static final byte[] HEAD = "{\"events\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  private static final byte[] TAIL = "]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final List<byte[]> rows;
  private final long rowBytes;

  private EncodedBatch(List<byte[]> rows) {
    this.rows = rows;
    long n = 0;
    for (byte[] r : rows) {
      n += r.length;
    }
    this.rowBytes = n;
  }

  /** A batch of these rows, each a complete JSON object. */
  public static EncodedBatch of(List<byte[]> rows) {
    return new EncodedBatch(List.copyOf(rows));
  }

  /** The rows. */
  public List<byte[]> rows() {
    return rows;
  }

  /** Number of rows. */
  public int size() {
    return rows.size();
  }

  /** Size of the uncompressed request body in bytes. */
  public long bodyBytes() {
    return bodyBytesFor(rowBytes, rows.size());
  }

  /** The body size of {@code count} rows totalling {@code rowBytes}. */
  public static long bodyBytesFor(long rowBytes, int count) {
    return HEAD.length + TAIL.length + rowBytes + Math.max(0, count - 1);
  }

  /** Writes the request body. */
  public void writeBody(OutputStream out) throws IOException {
    out.write(HEAD);
    for (int i = 0; i < rows.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(rows.get(i));
    }
    out.write(TAIL);
  }

  /** The request body as bytes. */
  public byte[] body() {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(bodyBytes(), Integer.MAX_VALUE - 8));
    try {
      writeBody(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The two halves of this batch, for splitting a request the server found too large. */
  public List<EncodedBatch> halves() {
    if (rows.size() < 2) {
      throw new IllegalStateException("a batch of one row can't be split");
    }
    int mid = rows.size() / 2;
    return List.of(new EncodedBatch(rows.subList(0, mid)), new EncodedBatch(rows.subList(mid, rows.size())));
  }
}

package dev.braintrust.reactive.core.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A batch of rows already written as JSON, ready for one insert request. The request body is {@code
 * {"events":[row,row,...]}}. Rows sit in a few shared arrays (each row whole in one of them);
 * nothing is copied to split a batch. Not one array for the whole batch: a request's worth of rows
 * is often over half a G1 region, and such "humongous" arrays, one per request, are allocated in
 * the old generation and start collection cycles of their own.
 */
public final class EncodedBatch {
  private static final byte[] HEAD = "{\"events\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAIL = "]}".getBytes(StandardCharsets.UTF_8);

  private final byte[][] arrays;
  private final int[] starts;
  private final int[] lengths;
  private final int from;
  private final int to;
  private final long rowBytes;

  private EncodedBatch(byte[][] arrays, int[] starts, int[] lengths, int from, int to) {
    this.arrays = arrays;
    this.starts = starts;
    this.lengths = lengths;
    this.from = from;
    this.to = to;
    long n = 0;
    for (int i = from; i < to; i++) {
      n += lengths[i];
    }
    this.rowBytes = n;
  }

  /**
   * A batch of these rows, each a complete JSON object.
   *
   * @param rows the rows, each a complete JSON object
   * @return the batch
   */
  public static EncodedBatch of(List<byte[]> rows) {
    byte[][] arrays = new byte[rows.size()][];
    int[] starts = new int[rows.size()];
    int[] lengths = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      byte[] r = rows.get(i);
      arrays[i] = Arrays.copyOf(r, r.length);
      lengths[i] = r.length;
    }
    return new EncodedBatch(arrays, starts, lengths, 0, rows.size());
  }

  /**
   * A batch over rows at {@code starts[i]} of {@code lengths[i]} bytes in {@code arrays[i]}, taken
   * as is.
   */
  static EncodedBatch wrap(byte[][] arrays, int[] starts, int[] lengths, int count) {
    return new EncodedBatch(arrays, starts, lengths, 0, count);
  }

  /**
   * Copies of the rows, for inspection.
   *
   * @return the rows, each a copy
   */
  public List<byte[]> rows() {
    List<byte[]> out = new ArrayList<>(size());
    for (int i = from; i < to; i++) {
      out.add(Arrays.copyOfRange(arrays[i], starts[i], starts[i] + lengths[i]));
    }
    return out;
  }

  /**
   * The index of this batch's first row in the batch it was split from by {@link #halves()} (0 for
   * a batch that was not split), so a part's row {@code i} is row {@code offset() + i} of the
   * whole.
   *
   * @return the index of this batch's first row in the batch it was split from by {@link #halves()}
   *     (0 for a batch that was not split), so a part's row {@code i} is row {@code offset() + i}
   *     of the whole
   */
  public int offset() {
    return from;
  }

  /**
   * Number of rows.
   *
   * @return number of rows
   */
  public int size() {
    return to - from;
  }

  /**
   * Size of the uncompressed request body in bytes.
   *
   * @return size of the uncompressed request body in bytes
   */
  public long bodyBytes() {
    return bodyBytesFor(rowBytes, size());
  }

  /**
   * The body size of {@code count} rows totalling {@code rowBytes}.
   *
   * @param rowBytes the rows' total size in bytes
   * @param count the number of rows
   * @return the body size in bytes
   */
  public static long bodyBytesFor(long rowBytes, int count) {
    return HEAD.length + TAIL.length + rowBytes + Math.max(0, count - 1);
  }

  /**
   * Writes the request body.
   *
   * @param out where to write
   * @throws java.io.IOException if writing fails
   */
  public void writeBody(OutputStream out) throws IOException {
    out.write(HEAD);
    for (int i = from; i < to; i++) {
      if (i > from) {
        out.write(',');
      }
      out.write(arrays[i], starts[i], lengths[i]);
    }
    out.write(TAIL);
  }

  /**
   * The request body as bytes.
   *
   * @return the request body as bytes
   */
  public byte[] body() {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.min(bodyBytes(), Integer.MAX_VALUE - 8));
    try {
      writeBody(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The largest array holding this batch's rows (tests: no chunk is one huge array). */
  int largestArray() {
    int max = 0;
    for (int i = from; i < to; i++) {
      max = Math.max(max, arrays[i].length);
    }
    return max;
  }

  /**
   * The two halves of this batch, for splitting a request the server found too large.
   *
   * @return the two halves of this batch, for splitting a request the server found too large
   */
  public List<EncodedBatch> halves() {
    if (size() < 2) {
      throw new IllegalStateException("a batch of one row can't be split");
    }
    int mid = from + size() / 2;
    return List.of(
        new EncodedBatch(arrays, starts, lengths, from, mid),
        new EncodedBatch(arrays, starts, lengths, mid, to));
  }
}

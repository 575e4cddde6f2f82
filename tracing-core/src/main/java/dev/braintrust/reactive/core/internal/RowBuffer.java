package dev.braintrust.reactive.core.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.OutputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A growable byte buffer that rows are encoded straight into, so a batch is one array plus offsets
 * instead of one array per row. It can be cut back to an earlier length, which is how a row that
 * failed or did not fit is taken out again.
 */
public final class RowBuffer extends OutputStream {
  private byte[] data;
  private int length;

  // The encoder's generator writing into this buffer, kept from row to row: creating one per row
  // was a fifth of encoding. Flushed after each row, so it never holds bytes between rows.
  @Nullable JsonGenerator generator;
  @Nullable Object generatorOwner;
  // Room for an id or a timestamp being written as bytes.
  final byte[] scratch = new byte[64];
  final char[] chars = new char[32];

  /** A buffer with this much room before it grows. */
  public RowBuffer(int capacity) {
    data = new byte[Math.max(64, capacity)];
  }

  @Override
  public void write(int b) {
    ensure(1);
    data[length++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, data, length, len);
    length += len;
  }

  private void ensure(int more) {
    if (length + more > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, length + more));
    }
  }

  /** Bytes written so far. */
  public int length() {
    return length;
  }

  /** Cuts the buffer back to {@code newLength} bytes. */
  public void truncate(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("cannot truncate " + length + " bytes to " + newLength);
    }
    length = newLength;
  }

  /** The backing array; valid up to {@link #length()}. */
  public byte[] array() {
    return data;
  }
}

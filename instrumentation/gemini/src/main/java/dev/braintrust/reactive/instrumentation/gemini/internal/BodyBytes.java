package dev.braintrust.reactive.instrumentation.gemini.internal;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * The bytes of a whole (not streamed) response as the SDK reads them, copied into one array the
 * size of the body. Copied rather than sharing okio's segments: a shared segment can never go back
 * to okio's pool, so the SDK's next read would allocate a fresh 8 KiB segment on the caller's
 * thread, several times the size of a typical reply. Written under the recorder's lock, read once
 * the body is complete.
 */
final class BodyBytes extends OutputStream {
  private static final byte[] EMPTY = new byte[0];

  private byte[] bytes = EMPTY;
  private int size;

  @Override
  public void write(int b) {
    room(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    room(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  private void room(int more) {
    int needed = size + more;
    if (needed > bytes.length) {
      // The first read usually brings the whole reply: size to it, then grow by doubling.
      bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length == 0 ? 0 : bytes.length * 2));
    }
  }

  /** How many bytes were read. */
  int size() {
    return size;
  }

  /** The array holding the bytes, valid up to {@link #size()}. */
  byte[] array() {
    return bytes;
  }
}

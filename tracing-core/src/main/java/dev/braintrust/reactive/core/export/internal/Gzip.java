package dev.braintrust.reactive.core.export.internal;

import dev.braintrust.reactive.core.export.EncodedBatch;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip (RFC 1952) of request bodies at a chosen level, from a small pool of {@link Deflater}s.
 *
 * <p>The deflater reads from and writes to direct buffers of {@link #SLICE} bytes, never heap
 * arrays. {@code Deflater.deflate} on heap arrays pins them through JNI critical sections, which on
 * G1 before JDK 22 hold the GC locker for the whole call: fed a body of several MiB at once,
 * concurrent compressions held it long enough that small heaps died with "Retried waiting for
 * GCLocker too often", and even 64 KiB slices, compressed back to back on the exporter's threads,
 * made most of an application's collections "GCLocker Initiated" ones (full collections among them)
 * under a steady stream of spans. Direct buffers need no critical section at all. The output is
 * kept in chunks and copied once into an array of the exact size, so compressing holds about twice
 * the compressed size at most, never a doubling buffer's slack.
 */
public final class Gzip {
  /** The size of the deflater's input and output buffers, and of the output chunks. */
  static final int SLICE = 64 * 1024;

  private static final int POOLED = 8;
  private static final byte[] HEADER = {
    0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff
  };
  private static final ConcurrentMap<Integer, ArrayBlockingQueue<Compressor>> POOL =
      new ConcurrentHashMap<>();

  private Gzip() {}

  /** The batch's request body, gzip-compressed at {@code level} (0 for zlib's default). */
  public static byte[] compress(EncodedBatch batch, int level) {
    int lvl = level == 0 ? Deflater.DEFAULT_COMPRESSION : level;
    ArrayBlockingQueue<Compressor> pool =
        POOL.computeIfAbsent(lvl, l -> new ArrayBlockingQueue<>(POOLED));
    Compressor c = pool.poll();
    if (c == null) {
      c = new Compressor(lvl);
    }
    boolean reusable = false;
    try {
      byte[] out = c.compress(batch);
      reusable = true;
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (!reusable || !pool.offer(c.reset())) {
        // Its native memory is freed now rather than whenever the collector gets to it.
        c.end();
      }
    }
  }

  /** A deflater with its buffers and output chunks; used by one thread at a time. */
  private static final class Compressor extends OutputStream {
    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final byte[] slice = new byte[SLICE];
    private final ByteBuffer in = ByteBuffer.allocateDirect(SLICE);
    private final ByteBuffer out = ByteBuffer.allocateDirect(SLICE);
    private int sliced;
    private long total;
    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] chunk = new byte[0];
    private int used;

    Compressor(int level) {
      this.deflater = new Deflater(level, true);
    }

    byte[] compress(EncodedBatch batch) throws IOException {
      // A first chunk sized for the body, so a small body does not take a whole slice.
      chunk = new byte[(int) Math.max(256, Math.min(SLICE, batch.bodyBytes() / 4 + 64))];
      used = 0;
      put(HEADER, HEADER.length);
      batch.writeBody(this);
      flushSlice();
      deflater.finish();
      while (!deflater.finished()) {
        deflate();
      }
      byte[] trailer = new byte[8];
      le(trailer, 0, (int) crc.getValue());
      le(trailer, 4, (int) total);
      put(trailer, trailer.length);
      return assemble();
    }

    @Override
    public void write(int b) {
      if (sliced == SLICE) {
        flushSlice();
      }
      slice[sliced++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      while (len > 0) {
        if (sliced == SLICE) {
          flushSlice();
        }
        int n = Math.min(len, SLICE - sliced);
        System.arraycopy(b, off, slice, sliced, n);
        sliced += n;
        off += n;
        len -= n;
      }
    }

    private void flushSlice() {
      if (sliced == 0) {
        return;
      }
      crc.update(slice, 0, sliced);
      total += sliced;
      in.clear();
      in.put(slice, 0, sliced);
      in.flip();
      deflater.setInput(in);
      while (!deflater.needsInput()) {
        deflate();
      }
      sliced = 0;
    }

    /** One deflate call into the output buffer, then its bytes into the chunks. */
    private void deflate() {
      out.clear();
      deflater.deflate(out, Deflater.NO_FLUSH);
      out.flip();
      while (out.hasRemaining()) {
        if (used == chunk.length) {
          nextChunk();
        }
        int n = Math.min(out.remaining(), chunk.length - used);
        out.get(chunk, used, n);
        used += n;
      }
    }

    private void put(byte[] b, int len) {
      for (int off = 0; off < len; ) {
        if (used == chunk.length) {
          nextChunk();
        }
        int n = Math.min(len - off, chunk.length - used);
        System.arraycopy(b, off, chunk, used, n);
        used += n;
        off += n;
      }
    }

    private void nextChunk() {
      chunks.add(chunk);
      chunk = new byte[SLICE];
      used = 0;
    }

    private byte[] assemble() {
      int size = used;
      for (byte[] c : chunks) {
        size += c.length;
      }
      byte[] out = new byte[size];
      int at = 0;
      for (byte[] c : chunks) {
        System.arraycopy(c, 0, out, at, c.length);
        at += c.length;
      }
      System.arraycopy(chunk, 0, out, at, used);
      return out;
    }

    private static void le(byte[] b, int at, int v) {
      b[at] = (byte) v;
      b[at + 1] = (byte) (v >>> 8);
      b[at + 2] = (byte) (v >>> 16);
      b[at + 3] = (byte) (v >>> 24);
    }

    Compressor reset() {
      deflater.reset();
      crc.reset();
      sliced = 0;
      total = 0;
      chunks.clear();
      chunk = new byte[0];
      used = 0;
      return this;
    }

    void end() {
      deflater.end();
    }
  }
}

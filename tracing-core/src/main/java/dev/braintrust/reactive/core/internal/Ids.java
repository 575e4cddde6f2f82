package dev.braintrust.reactive.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random UUIDv4 strings for ids: ThreadLocalRandom, since span ids need uniqueness, not secrecy.
 */
public final class Ids {
  private Ids() {}

  /** A 16-hex-digit span id, the W3C/OpenTelemetry form, never all zeros. */
  public static String newSpanId() {
    long v;
    do {
      v = ThreadLocalRandom.current().nextLong();
    } while (v == 0);
    return hex16(v);
  }

  /** A 32-hex-digit trace id, the W3C/OpenTelemetry form, never all zeros. */
  public static String newTraceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = r.nextLong();
    long lo = r.nextLong();
    if (hi == 0 && lo == 0) {
      lo = 1;
    }
    return hex32(hi, lo);
  }

  /** A new random UUIDv4 string, formatted without going through {@link UUID}. */
  public static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return uuid(msb, lsb);
  }

  /** 16 lowercase hex digits. */
  public static String hex16(long v) {
    byte[] out = new byte[16];
    hexTo(v, out, 0);
    return ascii(out);
  }

  /** 32 lowercase hex digits. */
  public static String hex32(long hi, long lo) {
    byte[] out = new byte[32];
    hexTo(hi, out, 0);
    hexTo(lo, out, 16);
    return ascii(out);
  }

  /** The 8-4-4-4-12 UUID form of two longs. */
  public static String uuid(long msb, long lsb) {
    byte[] out = new byte[36];
    uuidTo(msb, lsb, out);
    return ascii(out);
  }

  private static String ascii(byte[] text) {
    return new String(text, StandardCharsets.US_ASCII);
  }

  private static final byte[] HEX_BYTES = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** Writes 16 lowercase hex digits of {@code v} into {@code out} at {@code at}. */
  public static void hexTo(long v, byte[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = HEX_BYTES[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  /** Writes the 36-byte 8-4-4-4-12 UUID form of two longs into {@code out} from 0. */
  public static void uuidTo(long msb, long lsb, byte[] out) {
    for (int i = 35, n = 0; i >= 19; i--) {
      if (i == 23) {
        out[i] = '-';
        continue;
      }
      out[i] = HEX_BYTES[(int) ((lsb >>> (4 * n++)) & 0xf)];
    }
    out[18] = '-';
    for (int i = 17, n = 0; i >= 0; i--) {
      if (i == 13 || i == 8) {
        out[i] = '-';
        continue;
      }
      out[i] = HEX_BYTES[(int) ((msb >>> (4 * n++)) & 0xf)];
    }
  }
}

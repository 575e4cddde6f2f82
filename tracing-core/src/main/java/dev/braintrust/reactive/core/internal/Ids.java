package dev.braintrust.reactive.core.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Random UUIDv4 strings for ids: ThreadLocalRandom, since span ids need uniqueness, not secrecy. */
public final class Ids {
  private Ids() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** A 16-hex-digit span id, the W3C/OpenTelemetry form, never all zeros. */
  public static String newSpanId() {
    long v;
    do {
      v = ThreadLocalRandom.current().nextLong();
    } while (v == 0);
    char[] out = new char[16];
    hex(v, out, 0);
    return new String(out);
  }

  /** A 32-hex-digit trace id, the W3C/OpenTelemetry form, never all zeros. */
  public static String newTraceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = r.nextLong();
    long lo = r.nextLong();
    if (hi == 0 && lo == 0) {
      lo = 1;
    }
    char[] out = new char[32];
    hex(hi, out, 0);
    hex(lo, out, 16);
    return new String(out);
  }

  private static void hex(long v, char[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  /** A new random UUID string. */
  public static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}

package dev.braintrust.reactive.core.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Random UUIDv4 strings for ids: ThreadLocalRandom, since span ids need uniqueness, not secrecy. */
public final class Ids {
  private Ids() {}

  /** A new random UUID string. */
  public static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}

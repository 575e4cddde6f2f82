package dev.braintrust.reactive.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 UTC timestamps with microseconds, e.g. {@code 2026-11-24T10:15:30.123456Z}. The
 * date-time part is formatted once per second and reused: {@code Instant.toString()} per row was a
 * measurable share of encoding.
 */
public final class IsoTime {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  /** The last second formatted, and its text; replaced together, so reads see a matching pair. */
  private record Cached(long second, byte[] bytes) {}

  private static volatile Cached last = new Cached(Long.MIN_VALUE, new byte[0]);

  /** The most bytes {@link #formatTo} writes (Instant's largest year has ten digits and a sign). */
  public static final int MAX_BYTES = 40;

  private static Cached cached(Instant instant) {
    long second = instant.getEpochSecond();
    Cached c = last;
    if (c.second != second) {
      c = new Cached(second, SECONDS.format(instant).getBytes(StandardCharsets.US_ASCII));
      last = c;
    }
    return c;
  }

  /**
   * Writes {@code instant} as {@link #format} does, in ASCII, into {@code out} from 0 (at least
   * {@link #MAX_BYTES} long).
   *
   * @return the bytes written
   */
  public static int formatTo(Instant instant, byte[] out) {
    byte[] prefix = cached(instant).bytes;
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    int at = prefix.length;
    int micros = instant.getNano() / 1000;
    out[at++] = '.';
    for (int div = 100_000; div > 0; div /= 10) {
      out[at++] = (byte) ('0' + (micros / div) % 10);
    }
    out[at++] = 'Z';
    return at;
  }

  private IsoTime() {}

  /** Formats {@code instant} with microsecond precision. */
  public static String format(Instant instant) {
    byte[] out = new byte[MAX_BYTES];
    return new String(out, 0, formatTo(instant, out), StandardCharsets.US_ASCII);
  }
}

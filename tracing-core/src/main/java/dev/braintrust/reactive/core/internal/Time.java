package dev.braintrust.reactive.core.internal;

import java.time.Instant;

/** Time in the units Braintrust rows use. */
public final class Time {
  private Time() {}

  /** Epoch seconds with sub-second precision, as {@code metrics.start/end} expect. */
  public static double epochSeconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1_000_000_000.0;
  }

  /** Epoch nanoseconds to epoch seconds. */
  public static double epochSecondsFromNanos(long epochNanos) {
    return epochNanos / 1_000_000_000L + (epochNanos % 1_000_000_000L) / 1_000_000_000.0;
  }
}

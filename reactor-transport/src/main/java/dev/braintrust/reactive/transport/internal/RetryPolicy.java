package dev.braintrust.reactive.transport.internal;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** Jittered exponential backoff that honours the server's Retry-After. */
public final class RetryPolicy {
  private final int maxRetries;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;

  public RetryPolicy(
      int maxRetries, Duration minBackoff, Duration maxBackoff, Duration maxRetryAfter) {
    this.maxRetries = maxRetries;
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
    this.maxRetryAfter = maxRetryAfter;
  }

  public int maxRetries() {
    return maxRetries;
  }

  /**
   * The wait before retry number {@code retry} (0-based): the server's Retry-After when given
   * (capped) as a floor with up to half of it again as jitter, so clients told the same second do
   * not all come back in it; else min * 2^retry capped at max, with jitter between half and all of
   * it.
   */
  public Duration delay(long retry, @Nullable Duration retryAfter, double random) {
    if (retryAfter != null) {
      Duration floor = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
      return floor.plusMillis((long) (floor.toMillis() * 0.5 * random));
    }
    long base = minBackoff.toMillis() << Math.min(retry, 20);
    long capped = Math.min(Math.max(base, minBackoff.toMillis()), maxBackoff.toMillis());
    return Duration.ofMillis((long) (capped * (0.5 + 0.5 * random)));
  }

  public Duration delay(long retry, @Nullable Duration retryAfter) {
    return delay(retry, retryAfter, ThreadLocalRandom.current().nextDouble());
  }

  /** Parses Retry-After: delta seconds or an HTTP date; null when absent or unreadable. */
  public static @Nullable Duration parseRetryAfter(@Nullable String value, long nowEpochMillis) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        long at =
            ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Duration.ofMillis(Math.max(0, at - nowEpochMillis));
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }
}

package dev.braintrust.reactive.core.export.internal;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The one place that decides how long to wait before trying again, for the client's REST retries
 * and the exporter's pauses alike: exponential backoff with jitter, the server's {@code
 * Retry-After} as a floor capped at {@code maxRetryAfter} (a proxy's {@code 3600} must not hold
 * batches until they expire), and the additive-increase, multiplicative-decrease steps of the
 * exporter's window and request rate. Immutable; the methods are pure, so any thread may call them.
 */
public final class RetryPolicy {
  /** The exporter's first pause after a throttle. */
  public static final Duration EXPORTER_MIN_BACKOFF = Duration.ofMillis(250);

  /** The exporter's longest pause without a {@code Retry-After}. */
  public static final Duration EXPORTER_MAX_BACKOFF = Duration.ofSeconds(30);

  private static final double RATE_STEP = 0.05;
  private static final double MIN_RATE = 0.25;
  private static final double UNLIMITED_RATE = 20;

  private final int maxRetries;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;

  /**
   * A policy; every duration must be positive.
   *
   * @param maxRetries retries per request (the exporter, which retries until the events expire,
   *     passes 0)
   * @param minBackoff the first backoff
   * @param maxBackoff the longest backoff without a {@code Retry-After}
   * @param maxRetryAfter the cap on a server's {@code Retry-After}
   */
  public RetryPolicy(
      int maxRetries, Duration minBackoff, Duration maxBackoff, Duration maxRetryAfter) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative, got " + maxRetries);
    }
    this.maxRetries = maxRetries;
    this.minBackoff = positive(minBackoff, "minBackoff");
    this.maxBackoff = positive(maxBackoff, "maxBackoff");
    this.maxRetryAfter = positive(maxRetryAfter, "maxRetryAfter");
  }

  /**
   * The exporter's policy: backoff from 250 ms to 30 s, {@code Retry-After} capped at {@code
   * maxRetryAfter}.
   *
   * @param maxRetryAfter the cap on a server's {@code Retry-After}
   * @return the policy
   */
  public static RetryPolicy forExporter(Duration maxRetryAfter) {
    return new RetryPolicy(0, EXPORTER_MIN_BACKOFF, EXPORTER_MAX_BACKOFF, maxRetryAfter);
  }

  private static Duration positive(Duration d, String name) {
    if (d == null) {
      throw new NullPointerException(name);
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }

  /**
   * Retries allowed per request.
   *
   * @return retries allowed per request
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * The server's {@code Retry-After}, cut to {@code maxRetryAfter}.
   *
   * @param retryAfter the server's value
   * @return the value honoured
   */
  public Duration capRetryAfter(Duration retryAfter) {
    return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
  }

  /**
   * The wait before retry number {@code retry} (0-based) of one request: the server's Retry-After
   * when given (capped) as a floor with up to half of it again as jitter, so clients told the same
   * second do not all come back in it; else min * 2^retry capped at max, with jitter between half
   * and all of it.
   *
   * @param retry the retry's number, from 0
   * @param retryAfter the server's {@code Retry-After}, or null
   * @param random a number in [0, 1]
   * @return the wait
   */
  public Duration delay(long retry, @Nullable Duration retryAfter, double random) {
    if (retryAfter != null) {
      Duration floor = capRetryAfter(retryAfter);
      return floor.plusMillis((long) (floor.toMillis() * 0.5 * random));
    }
    long capped = backoffNanos(retry);
    return Duration.ofMillis((long) (capped / 1_000_000 * (0.5 + 0.5 * random)));
  }

  /**
   * {@link #delay(long, Duration, double)} with a random jitter.
   *
   * @param retry the retry's number, from 0
   * @param retryAfter the server's {@code Retry-After}, or null
   * @return the wait
   */
  public Duration delay(long retry, @Nullable Duration retryAfter) {
    return delay(retry, retryAfter, ThreadLocalRandom.current().nextDouble());
  }

  /**
   * How long the exporter pauses all sending after its {@code throttles}-th throttle in a row: the
   * backoff for that many, or the server's (capped) {@code Retry-After} when given but at least
   * half the backoff, plus up to half of it again as jitter, which spreads a fleet's returns.
   *
   * @param throttles consecutive throttles, from 1
   * @param retryAfter the server's {@code Retry-After}, or null
   * @param random a number in [0, 1]
   * @return the pause in nanoseconds
   */
  public long pauseNanos(int throttles, @Nullable Duration retryAfter, double random) {
    long backoff = backoffNanos(Math.max(0, throttles - 1));
    long floor =
        retryAfter == null ? backoff : Math.max(capRetryAfter(retryAfter).toNanos(), backoff / 2);
    return floor + (long) (floor * 0.5 * random);
  }

  private long backoffNanos(long retry) {
    long min = minBackoff.toNanos();
    long shifted = min << Math.min(retry, 20);
    return Math.min(shifted < min ? Long.MAX_VALUE : shifted, maxBackoff.toNanos());
  }

  /**
   * The window after a success: one more request per window's worth of successes.
   *
   * @param window the current window
   * @param maxWindow its ceiling
   * @return the grown window
   */
  public static double grownWindow(double window, int maxWindow) {
    return Math.min(maxWindow, window + 1.0 / window);
  }

  /**
   * The window after a throttle: halved, never under one request.
   *
   * @param window the current window
   * @return the halved window
   */
  public static double shrunkWindow(double window) {
    return Math.max(1, window / 2);
  }

  /**
   * The request rate after a success: doubled with a backlog waiting (a lifted limit drains in a
   * few round trips), else a small step; past twenty a second it no longer limits (infinite).
   *
   * @param rate requests per second, finite
   * @param backlog whether batches are waiting
   * @return the new rate
   */
  public static double grownRate(double rate, boolean backlog) {
    double next = backlog ? rate * 2 : rate + RATE_STEP;
    return next > UNLIMITED_RATE ? Double.POSITIVE_INFINITY : next;
  }

  /**
   * The request rate after a throttle: half what it was sending at, with a floor.
   *
   * @param rate requests per second (infinite before the first throttle)
   * @param lastGapNanos the gap before the throttled send, which measures an unlimited rate
   * @return the halved rate
   */
  public static double shrunkRate(double rate, long lastGapNanos) {
    double current =
        rate != Double.POSITIVE_INFINITY
            ? rate
            : 1e9 / Math.max(lastGapNanos, EXPORTER_MIN_BACKOFF.toNanos());
    return Math.max(MIN_RATE, current / 2);
  }

  /**
   * Parses Retry-After: delta seconds or an HTTP date; null when absent or unreadable.
   *
   * @param value the header
   * @param nowEpochMillis now, for a date
   * @return the wait, or null
   */
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

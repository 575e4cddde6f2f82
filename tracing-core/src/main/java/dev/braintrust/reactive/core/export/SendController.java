package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.export.internal.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * How many insert requests the exporter may have in flight, how often they may start, and when it
 * may send at all: additive increase, multiplicative decrease, as TCP does. A throttling answer
 * (429, 503, a lost connection) halves the window and halves the request rate (an exporter that
 * sent one request a second then sends one every two), and pauses sending for at least the server's
 * {@code Retry-After} (or an exponential backoff), with random jitter on top so exporters started
 * together do not come back together. Each success grows the window by {@code 1/window} and the
 * rate by a tenth of a request per second, until the rate no longer limits. Batches wait meanwhile,
 * and grow, so fewer requests carry the same events. The numbers (backoff, jitter, the capped
 * {@code Retry-After}, the AIMD steps) come from {@link RetryPolicy}, which the client's own REST
 * retries use too; this class keeps the state they apply to.
 *
 * <p>Confined to the drain worker, except the gauges, which read volatile snapshots.
 */
final class SendController {
  static final Duration MIN_BACKOFF = RetryPolicy.EXPORTER_MIN_BACKOFF;
  static final Duration MAX_BACKOFF = RetryPolicy.EXPORTER_MAX_BACKOFF;
  static final Duration QUIET = Duration.ofSeconds(30);

  private final int maxWindow;
  private final RetryPolicy policy;
  private final DoubleSupplier random;
  private double window;
  private int consecutiveThrottles;
  private long pausedUntil;
  // Sends numbered in order, so a burst of throttles from requests that were already in flight
  // together halves the window once, not once per request.
  private long sendSeq;
  private long noDecreaseBefore;
  // Requests per second; infinite until the first throttle, and again once it stops limiting.
  private double rate = Double.POSITIVE_INFINITY;
  private long lastSend;
  private long lastGap;
  private long lastThrottle;
  private volatile double windowView;
  private volatile long throttledNanos;

  SendController(int maxWindow, DoubleSupplier random, long now) {
    this(maxWindow, random, now, Transport.DEFAULT_MAX_RETRY_AFTER);
  }

  /**
   * A controller that honours a server's {@code Retry-After} up to {@code maxRetryAfter}: a longer
   * one (a misconfigured proxy's {@code 3600}) would hold every batch until it expired.
   */
  SendController(int maxWindow, DoubleSupplier random, long now, Duration maxRetryAfter) {
    this.policy = RetryPolicy.forExporter(maxRetryAfter);
    this.maxWindow = maxWindow;
    this.pausedUntil = now;
    this.lastSend = now;
    this.random = random;
    this.window = maxWindow;
    this.windowView = maxWindow;
  }

  /** Whether another request may start now, with {@code inFlight} already out. */
  boolean maySend(int inFlight, long now) {
    relax(now);
    return inFlight < (int) window && nextSendAt(now) - now <= 0;
  }

  /** When the next request may start, pause and spacing considered. */
  long nextSendAt(long now) {
    long spaced = lastSend + spacing();
    long at = spaced - pausedUntil > 0 ? spaced : pausedUntil;
    return at - now > 0 ? at : now;
  }

  /** Whether the server has been pushing back lately: batches then grow before they are sent. */
  boolean isThrottled(long now) {
    relax(now);
    return consecutiveThrottles > 0 || rate != Double.POSITIVE_INFINITY || now - pausedUntil < 0;
  }

  /**
   * After a quiet spell with no throttling, the server's limit has evidently room again: sending
   * goes back to full speed instead of climbing a tenth of a request per second at a time.
   */
  private void relax(long now) {
    if (rate != Double.POSITIVE_INFINITY
        && consecutiveThrottles == 0
        && now - lastThrottle > QUIET.toNanos()) {
      rate = Double.POSITIVE_INFINITY;
    }
  }

  /** Nanos until sending may resume, or 0. */
  long pauseLeft(long now) {
    return Math.max(0, pausedUntil - now);
  }

  /** Numbers a send starting at {@code now}, to be handed back with its outcome. */
  long nextSend(long now) {
    lastGap = now - lastSend;
    lastSend = now;
    return ++sendSeq;
  }

  /**
   * A send succeeded. With batches still waiting ({@code backlog}) the rate doubles, so a backlog
   * left by a lifted limit drains in a few round trips; otherwise it grows by a small step.
   */
  void onSuccess(boolean backlog) {
    consecutiveThrottles = 0;
    window = RetryPolicy.grownWindow(window, maxWindow);
    windowView = window;
    if (rate != Double.POSITIVE_INFINITY) {
      rate = RetryPolicy.grownRate(rate, backlog);
    }
  }

  private long spacing() {
    return rate == Double.POSITIVE_INFINITY ? 0 : (long) (1e9 / rate);
  }

  /**
   * A send numbered {@code seq} was throttled at {@code now}; returns the pause in nanos from now
   * (0 when this throttle belongs to a burst already answered).
   */
  long onThrottle(long seq, @Nullable Duration retryAfter, long now) {
    if (seq < noDecreaseBefore) {
      return pauseLeft(now);
    }
    noDecreaseBefore = sendSeq + 1;
    lastThrottle = now;
    consecutiveThrottles++;
    window = RetryPolicy.shrunkWindow(window);
    windowView = window;
    rate = RetryPolicy.shrunkRate(rate, lastGap);
    // Retry-After (capped) is a floor; the jitter (up to half of it again) spreads a fleet's
    // returns.
    long pause = policy.pauseNanos(consecutiveThrottles, retryAfter, random.getAsDouble());
    long until = now + pause;
    if (until - pausedUntil > 0) {
      throttledNanos += until - (now - pausedUntil > 0 ? now : pausedUntil);
      pausedUntil = until;
    }
    return pausedUntil - now;
  }

  /** The current window, for the concurrency gauge. */
  double window() {
    return windowView;
  }

  /** Total time sending was paused, in seconds, for the throttled-time counter. */
  double throttledSeconds() {
    return throttledNanos / (double) TimeUnit.SECONDS.toNanos(1);
  }

  /**
   * How to retry a failed send, or null when the failure is final. A transport says so with a
   * {@link RetryHint}; a bare {@link java.io.IOException} or timeout from one that doesn't (after
   * its own retries, say) means no answer came, not a refusal: the rows may even be stored, and
   * sending them again with the same ids is safe, so they are retried until maxEventAge, never
   * counted failed.
   */
  static @Nullable RetryHint retryHint(Throwable error) {
    if (error instanceof RetryHint hint) {
      return hint.isRetryable() ? hint : null;
    }
    int depth = 0;
    for (Throwable t = error; t != null && depth < 10; t = t.getCause(), depth++) {
      if (t instanceof RetryHint hint) {
        return hint.isRetryable() ? hint : null;
      }
      if (t instanceof java.io.IOException || t instanceof java.util.concurrent.TimeoutException) {
        return NO_ANSWER;
      }
    }
    return null;
  }

  private static final RetryHint NO_ANSWER = () -> true;
}

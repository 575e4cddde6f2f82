package dev.braintrust.reactive.core.export;

import java.time.Duration;
import java.util.Objects;

/**
 * What the exporter does with a new event when its buffer is full. Every dropped event is counted
 * under {@code braintrust.events.dropped} with its reason.
 */
public final class OverflowPolicy {
  /** The policy kinds. */
  public enum Kind {
    /** Drop the incoming event (reason {@code queue_full}). */
    DROP_NEWEST,
    /** Drop the oldest buffered event to make room (reason {@code evicted}). */
    DROP_OLDEST,
    /** Wait for room up to a timeout, then drop the incoming event (reason {@code timeout}). */
    BLOCK
  }

  private static final OverflowPolicy NEWEST = new OverflowPolicy(Kind.DROP_NEWEST, Duration.ZERO);
  private static final OverflowPolicy OLDEST = new OverflowPolicy(Kind.DROP_OLDEST, Duration.ZERO);

  private final Kind kind;
  private final Duration timeout;

  private OverflowPolicy(Kind kind, Duration timeout) {
    this.kind = kind;
    this.timeout = timeout;
  }

  /**
   * Drop the incoming event; the default, since it never slows the caller.
   *
   * @return the policy
   */
  public static OverflowPolicy dropNewest() {
    return NEWEST;
  }

  /**
   * Drop the oldest buffered event, keeping the most recent ones.
   *
   * @return the policy
   */
  public static OverflowPolicy dropOldest() {
    return OLDEST;
  }

  /**
   * Wait up to {@code timeout} for room. On Reactor non-blocking threads (event loops, parallel
   * scheduler) it never waits and drops at once with reason {@code queue_full}.
   *
   * @param timeout how long to wait for room
   * @return the policy
   */
  public static OverflowPolicy block(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    return new OverflowPolicy(Kind.BLOCK, timeout);
  }

  /**
   * The kind.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The wait, for {@link Kind#BLOCK}.
   *
   * @return the wait, for {@link Kind#BLOCK}
   */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public String toString() {
    return kind == Kind.BLOCK
        ? "block(" + timeout + ")"
        : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}

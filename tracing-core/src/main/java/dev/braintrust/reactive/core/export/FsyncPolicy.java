package dev.braintrust.reactive.core.export;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * When a disk spool forces its writes to the storage device. Every policy survives a crash of the
 * process (written data is in the operating system's cache); they differ on power loss or a kernel
 * crash, and in cost.
 */
public final class FsyncPolicy {
  /** The policy kinds. */
  public enum Kind {
    /** After every group of appended events, before they count as accepted. */
    EVERY_BATCH,
    /** At most once per interval: a power loss costs at most about one interval of events. */
    INTERVAL,
    /** Never: the operating system writes back when it likes. */
    NEVER
  }

  private static final FsyncPolicy EVERY = new FsyncPolicy(Kind.EVERY_BATCH, Duration.ZERO);
  private static final FsyncPolicy NONE = new FsyncPolicy(Kind.NEVER, Duration.ZERO);

  private final Kind kind;
  private final Duration interval;

  private FsyncPolicy(Kind kind, Duration interval) {
    this.kind = kind;
    this.interval = interval;
  }

  /** Sync each group of writes before counting its events as accepted: safest, slowest. */
  public static FsyncPolicy everyBatch() {
    return EVERY;
  }

  /** Sync what was written at most once per {@code interval} (which must be positive). */
  public static FsyncPolicy interval(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    return new FsyncPolicy(Kind.INTERVAL, interval);
  }

  /** Never sync: fastest; survives process crashes but not power loss. */
  public static FsyncPolicy never() {
    return NONE;
  }

  /** The kind. */
  public Kind kind() {
    return kind;
  }

  /** The interval, for {@link Kind#INTERVAL}; zero otherwise. */
  public Duration interval() {
    return interval;
  }

  @Override
  public String toString() {
    return kind == Kind.INTERVAL
        ? "interval(" + interval + ")"
        : kind.name().toLowerCase(Locale.ROOT).replace("every_batch", "everyBatch");
  }
}

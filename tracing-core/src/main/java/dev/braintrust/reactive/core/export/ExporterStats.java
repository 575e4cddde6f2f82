package dev.braintrust.reactive.core.export;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of an exporter's counters. Every submitted event ends up in exactly one of
 * delivered, failed or dropped, or is still pending: {@code submitted == delivered + failed +
 * droppedTotal + pending}.
 */
public final class ExporterStats {
  private final long submitted;
  private final long accepted;
  private final long delivered;
  private final long failed;
  private final Map<DropReason, Long> dropped;
  private final long pending;
  private final long serializationErrors;

  ExporterStats(
      long submitted,
      long accepted,
      long delivered,
      long failed,
      EnumMap<DropReason, Long> dropped,
      long pending,
      long serializationErrors) {
    this.submitted = submitted;
    this.accepted = accepted;
    this.delivered = delivered;
    this.failed = failed;
    this.dropped = Collections.unmodifiableMap(dropped);
    this.pending = pending;
    this.serializationErrors = serializationErrors;
  }

  /** Events handed to the exporter. */
  public long submitted() {
    return submitted;
  }

  /** Events taken into the buffer. */
  public long accepted() {
    return accepted;
  }

  /** Events the server acknowledged. */
  public long delivered() {
    return delivered;
  }

  /** Events whose batch failed for good (non-retryable status, retries exhausted). */
  public long failed() {
    return failed;
  }

  /** Dropped events by reason (every reason present, zero when none). */
  public Map<DropReason, Long> dropped() {
    return dropped;
  }

  /** Dropped events for one reason. */
  public long dropped(DropReason reason) {
    return dropped.getOrDefault(reason, 0L);
  }

  /** All dropped events. */
  public long droppedTotal() {
    long n = 0;
    for (long v : dropped.values()) {
      n += v;
    }
    return n;
  }

  /** Events accepted but not yet delivered, failed or dropped. */
  public long pending() {
    return pending;
  }

  /** Events sent with one or more values replaced because they could not be serialised. */
  public long serializationErrors() {
    return serializationErrors;
  }

  @Override
  public String toString() {
    return "ExporterStats{submitted=" + submitted + ", accepted=" + accepted + ", delivered="
        + delivered + ", failed=" + failed + ", dropped=" + dropped + ", pending=" + pending
        + ", serializationErrors=" + serializationErrors + "}";
  }
}

package dev.braintrust.reactive.core.export;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of an exporter's counters. Every submitted event ends up in exactly one of delivered,
 * failed or dropped, or is still pending: {@code submitted == delivered + failed + droppedTotal +
 * pending}.
 *
 * @param submitted events handed to the exporter
 * @param accepted events taken into the buffer (with a spool: written to it; rows an earlier run
 *     left in the spool count as submitted and accepted when read back)
 * @param delivered events the server acknowledged
 * @param failed events whose batch, or whose own row, failed for good (non-retryable status,
 *     retries exhausted, row refused)
 * @param dropped dropped events by reason (every reason present, zero when none)
 * @param pending events accepted (or, with a spool, on their way to it) but not yet delivered,
 *     failed or dropped
 * @param serializationErrors events sent with one or more values replaced because they could not be
 *     serialised
 */
public record ExporterStats(
    long submitted,
    long accepted,
    long delivered,
    long failed,
    Map<DropReason, Long> dropped,
    long pending,
    long serializationErrors) {

  /**
   * Copies {@code dropped}, filling in every reason.
   *
   * @param accepted events taken into the buffer
   * @param delivered events the server acknowledged
   * @param dropped dropped events by reason (every reason present, zero when none)
   * @param failed events whose batch, or whose own row, failed for good (non-retryable status,
   *     retries exhausted, row refused)
   * @param pending events accepted but not yet delivered, failed or dropped
   * @param serializationErrors events sent with one or more values replaced because they could not
   *     be serialised
   * @param submitted events handed to the exporter
   */
  public ExporterStats {
    EnumMap<DropReason, Long> all = new EnumMap<>(DropReason.class);
    for (DropReason r : DropReason.values()) {
      all.put(r, dropped.getOrDefault(r, 0L));
    }
    dropped = Collections.unmodifiableMap(all);
  }

  /**
   * Dropped events for one reason.
   *
   * @param reason the reason
   * @return how many events were dropped for it
   */
  public long dropped(DropReason reason) {
    return dropped.getOrDefault(reason, 0L);
  }

  /**
   * All dropped events.
   *
   * @return all dropped events
   */
  public long droppedTotal() {
    long n = 0;
    for (long v : dropped.values()) {
      n += v;
    }
    return n;
  }
}

package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.export.internal.MeterScope;
import dev.braintrust.reactive.core.internal.LibraryLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The exporter's meters and logs, over its {@link Ledger}: each move of an event goes to the
 * ledger, and this class adds what an operator sees of it (the first drop of each reason logged,
 * then a summary every {@value #DROP_REPORT_SECONDS} s; throttles and failed batches likewise;
 * bytes, requests and latency per batch; the health text). It counts nothing the ledger does not.
 */
final class ExporterMetrics {
  static final LibraryLog LOG = LibraryLog.get(BraintrustExporter.class);
  static final int DROP_REPORT_SECONDS = 10;
  private static final int MAX_LOGGED_REJECT_REASONS = 100;

  private final Ledger ledger;
  private final AtomicLong serializationErrors = new AtomicLong();
  private final LongAdder maskingFailures = new LongAdder();
  private volatile boolean maskingLogged;
  // Written once per reason; a racy double log on the very first drop is harmless.
  private final boolean[] warned = new boolean[DropReason.values().length];
  private final Map<String, Boolean> loggedRejects = new ConcurrentHashMap<>();
  // Ticker-confined: what the last summary reported, and when.
  private final long[] reportedDrops = new long[DropReason.values().length];
  private long lastDropReport = System.nanoTime();
  private volatile @Nullable String lastFailure;
  // Why sending is paused now; cleared when a batch goes through again.
  private volatile @Nullable String backoff;
  // Throttles and failed batches are logged once, then summarised by the ticker with counts.
  private final LongAdder throttles = new LongAdder();
  private final LongAdder failedBatches = new LongAdder();
  private volatile boolean throttleLogged;
  private volatile boolean failureLogged;
  private long reportedThrottles;
  private long reportedFailedBatches;
  private volatile double lastWindow;
  private volatile long lastPauseMillis;

  private final MeterScope scope;
  private final Counter batchesSent;
  private final Counter bytesUncompressed;
  private final Counter bytesSent;
  private final Counter retries;
  private final Counter requests;
  private final Timer batchLatency;

  ExporterMetrics(MeterRegistry registry, AtomicInteger queued) {
    this(new MeterScope(registry, true), queued, new AtomicLong(), false);
  }

  /**
   * Meters in {@code scope}; with {@code spooling}, events count as accepted once written to the
   * spool, and until then as staged (still pending).
   */
  ExporterMetrics(MeterScope scope, AtomicInteger queued, AtomicLong heldBytes, boolean spooling) {
    this.scope = scope;
    Ledger ledger = new Ledger(spooling);
    this.ledger = ledger;
    for (DropReason r : DropReason.values()) {
      scope.counter(
          "braintrust.events.dropped",
          "Events not sent, by reason",
          Tags.of("reason", r.tag()),
          ledger,
          l -> l.droppedCount(r));
    }
    scope.counter(
        "braintrust.events.submitted",
        "Events handed to the exporter",
        ledger,
        Ledger::submittedCount);
    scope.counter(
        "braintrust.events.accepted",
        "Events taken into the buffer",
        ledger,
        Ledger::acceptedCount);
    scope.counter(
        "braintrust.events.delivered",
        "Events acknowledged by the server",
        ledger,
        Ledger::deliveredCount);
    scope.counter(
        "braintrust.events.failed",
        "Events whose batch, or whose own row, failed for good",
        ledger,
        Ledger::failedCount);
    scope.counter(
        "braintrust.events.serialization_errors",
        "Events sent with values replaced because they could not be serialised",
        serializationErrors,
        AtomicLong::get);
    scope.gauge(
        "braintrust.buffer.queued",
        "Events waiting in the buffer",
        null,
        queued,
        AtomicInteger::get);
    scope.gauge(
        "braintrust.buffer.bytes",
        "Estimated bytes of events held in memory against capacityBytes",
        "bytes",
        heldBytes,
        AtomicLong::get);
    scope.counter(
        "braintrust.events.masking_failures",
        "Values replaced by the masking-failed marker because the masker threw",
        maskingFailures,
        LongAdder::sum);
    this.batchesSent = scope.counter("braintrust.batches.sent", null);
    this.bytesUncompressed = scope.counter("braintrust.bytes.uncompressed", "bytes");
    this.bytesSent = scope.counter("braintrust.bytes.sent", "bytes");
    this.retries = scope.counter("braintrust.requests.retries", null);
    this.requests = scope.counter("braintrust.requests", null);
    this.batchLatency =
        scope.add(
            Timer.builder("braintrust.batch.latency")
                .description("Time from sending a batch to its acknowledgement, retries included")
                .tags(scope.tags())
                .register(scope.registry()));
  }

  MeterRegistry registry() {
    return scope.registry();
  }

  void submitted() {
    ledger.submitted();
  }

  /** An event was taken into memory: accepted, or with a spool staged until it is written. */
  void enqueued() {
    ledger.enqueued();
  }

  /** An event waiting in memory was evicted to make room. */
  void evicted(String why) {
    ledger.evicted();
    warnOnce(DropReason.EVICTED, 1, why);
  }

  /** Staged events were written to the spool: they are accepted (see {@link Ledger#spooled}). */
  void spooled(long n) {
    ledger.spooled(n);
  }

  /** Staged events the spool writer dropped (too large, unencodable) before writing them. */
  void droppedStaged(DropReason reason, long n, String why) {
    if (ledger.droppedStaged(reason, n)) {
      warnOnce(reason, n, why);
    }
  }

  /** Rows of an earlier run read back from the spool: submitted and accepted again here. */
  void replayed(long n) {
    ledger.replayed(n);
  }

  /** Whether a shutdown has frozen the counts. */
  boolean isSettled() {
    return ledger.isFrozen();
  }

  /** A masker threw on {@code field}; logged once (without the value), then only counted. */
  void maskingFailed(String field, Throwable error) {
    maskingFailures.increment();
    if (!maskingLogged) {
      maskingLogged = true;
      LOG.warn(
          "Braintrust masker failed on {} ({}); the value was replaced by {} (further failures are"
              + " only counted in braintrust.events.masking_failures)",
          field,
          error.getClass().getName(),
          dev.braintrust.reactive.core.export.Masker.FAILED);
    }
  }

  /** Counts events dropped before they were accepted (full buffer, closed, null). */
  void dropped(DropReason reason, long n, String why) {
    ledger.dropped(reason, n);
    warnOnce(reason, n, why);
  }

  /** Counts accepted events that were dropped (evicted, oversized, unencodable). */
  void droppedAfterAccept(DropReason reason, long n, String why) {
    ledger.droppedAfterAccept(reason, n);
    warnOnce(reason, n, why);
  }

  /**
   * Gauges for the send controller: its window, how long it has paused, the oldest waiting batch.
   */
  void sendGauges(
      DoubleSupplier window, DoubleSupplier throttledSeconds, DoubleSupplier oldestAge) {
    scope.gauge(
        "braintrust.export.concurrency",
        "Insert requests the exporter allows in flight now (lowered while throttled)",
        null,
        window,
        DoubleSupplier::getAsDouble);
    scope.add(
        FunctionCounter.builder(
                "braintrust.export.throttled.time", throttledSeconds, DoubleSupplier::getAsDouble)
            .baseUnit("seconds")
            .description("Time sending was paused because the server throttled or failed")
            .tags(scope.tags())
            .register(scope.registry()));
    scope.counter(
        "braintrust.export.throttled",
        "Insert answers that paused sending (429, 503, 5xx, lost connections)",
        throttles,
        LongAdder::sum);
    scope.gauge(
        "braintrust.buffer.oldest_age",
        "Age of the oldest sealed batch waiting to be sent",
        "seconds",
        oldestAge,
        DoubleSupplier::getAsDouble);
  }

  /** A batch will be sent again after a pause; logged once, then summarised. */
  void throttled(RetryHint hint, double window, long pauseNanos) {
    throttles.increment();
    // The batch goes out again: a retry, whoever makes it.
    retries.increment();
    lastWindow = window;
    lastPauseMillis = TimeUnit.NANOSECONDS.toMillis(pauseNanos);
    String why =
        hint instanceof Throwable t && t.getMessage() != null ? t.getMessage() : hint.toString();
    backoff = (hint.isThrottling() ? "throttled: " : "server failing: ") + why;
    if (!throttleLogged) {
      throttleLogged = true;
      LOG.warn(
          "Braintrust server is {} this exporter ({}); backing off as a whole: {} request(s) at a"
              + " time, next send in {} ms. Events wait in the buffer (further throttles are summarised"
              + " every {} s)",
          hint.isThrottling() ? "throttling" : "failing",
          hint,
          (int) window,
          lastPauseMillis,
          DROP_REPORT_SECONDS);
    }
  }

  /** A batch failed for good; logged once, then summarised. */
  void batchFailed(long events, Object destination, String failure) {
    failedBatches.increment();
    if (!failureLogged) {
      failureLogged = true;
      LOG.warn(
          "Braintrust batch of {} event(s) to {} failed: {} (further failures are summarised"
              + " every {} s)",
          events,
          destination,
          failure,
          DROP_REPORT_SECONDS);
    }
  }

  void serializationError(String eventId, Object errors) {
    serializationErrors.incrementAndGet();
    LOG.warn("Braintrust event {}: {}", eventId, errors);
  }

  /**
   * Counts what one batch's requests did, unless a shutdown deadline already settled every batch.
   * Returns false when the batch was settled before.
   */
  boolean settleBatch(
      long deliveredEvents,
      long failedEvents,
      @Nullable InsertResult result,
      @Nullable String failure,
      long startNanos) {
    if (!ledger.settleBatch(deliveredEvents, failedEvents)) {
      return false;
    }
    batchLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    if (deliveredEvents > 0) {
      backoff = null;
    }
    if (result != null) {
      batchesSent.increment();
      bytesUncompressed.increment(result.uncompressedBytes());
      bytesSent.increment(result.sentBytes());
      retries.increment(result.retries());
      requests.increment(result.requests());
    }
    if (failedEvents > 0 && failure != null) {
      lastFailure = failure;
    }
    return true;
  }

  /** Logs a row the server refused, once per distinct reason (up to a bound). */
  void rejectedRow(String reason) {
    if (loggedRejects.size() < MAX_LOGGED_REJECT_REASONS
        && loggedRejects.putIfAbsent(reason, Boolean.TRUE) == null) {
      LOG.warn(
          "Braintrust refused a row, the rest of its batch was delivered: {}"
              + " (each reason is logged once)",
          reason);
    }
  }

  /** At a shutdown deadline; see {@link Ledger#settleAtDeadline}. */
  long settleAtDeadline(long deliveredEvents, long refusedEvents, long inFlightEvents) {
    return ledger.settleAtDeadline(deliveredEvents, refusedEvents, inFlightEvents);
  }

  /** After a clean shutdown: later answers can't change the counts any more. */
  void settle() {
    ledger.freeze();
  }

  /** The last reason a batch failed for good, or null when none did. */
  @Nullable String lastFailure() {
    return lastFailure;
  }

  @Nullable String backoff() {
    return backoff;
  }

  long pending() {
    return ledger.pending();
  }

  ExporterStats stats() {
    return ledger.stats(serializationErrors.get());
  }

  private void warnOnce(DropReason reason, long n, String why) {
    // Only the first drop of each reason is logged here; the ticker reports the rest in summary,
    // so producers never contend on a shared counter just to decide whether to log.
    if (!warned[reason.ordinal()]) {
      warned[reason.ordinal()] = true;
      LOG.warn(
          "Braintrust exporter dropped {} event(s), reason {}: {}"
              + " (further drops are summarised every {} s)",
          n,
          reason.tag(),
          why,
          DROP_REPORT_SECONDS);
    }
  }

  /** Logs how many events were dropped since the last report, at most every 10 seconds. */
  void reportDrops() {
    long now = System.nanoTime();
    if (now - lastDropReport < TimeUnit.SECONDS.toNanos(DROP_REPORT_SECONDS)) {
      return;
    }
    StringBuilder summary = new StringBuilder();
    for (DropReason r : DropReason.values()) {
      long total = ledger.droppedCount(r);
      long since = total - reportedDrops[r.ordinal()];
      if (since > 0) {
        summary.append(summary.length() == 0 ? "" : ", ").append(since).append(' ').append(r.tag());
        reportedDrops[r.ordinal()] = total;
      }
    }
    lastDropReport = now;
    if (summary.length() > 0) {
      LOG.warn("Braintrust exporter dropped events since the last report: {}", summary);
    }
    long t = throttles.sum();
    if (t > reportedThrottles) {
      LOG.warn(
          "Braintrust exporter was throttled {} time(s) in the last {} s; {} request(s) at a"
              + " time, last pause {} ms",
          t - reportedThrottles,
          DROP_REPORT_SECONDS,
          (int) lastWindow,
          lastPauseMillis);
      reportedThrottles = t;
    }
    long f = failedBatches.sum();
    if (f > reportedFailedBatches) {
      LOG.warn(
          "Braintrust exporter: {} batch(es) failed in the last {} s, last reason: {}",
          f - reportedFailedBatches,
          DROP_REPORT_SECONDS,
          lastFailure);
      reportedFailedBatches = f;
    }
  }
}

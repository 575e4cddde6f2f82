package dev.braintrust.reactive.core.export.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * The disk spool's meters: {@code braintrust.spool.bytes} and {@code .segments} (gauges), {@code
 * .replayed} (rows of an earlier run sent again), {@code .corrupt} and {@code .corrupt.bytes} (torn
 * or corrupt tails skipped), {@code .write_errors} and {@code .fsyncs}.
 */
public final class SpoolMeters {
  private final LongAdder replayed = new LongAdder();
  private final LongAdder corrupt = new LongAdder();
  private final LongAdder corruptBytes = new LongAdder();
  private final LongAdder writeErrors = new LongAdder();
  private final LongAdder fsyncs = new LongAdder();

  private final MeterScope scope;

  /** Registers the counters in a registry of their own (tests). */
  public SpoolMeters(MeterRegistry registry) {
    this(new MeterScope(registry, true));
  }

  /** Registers the counters; {@link #gauges} adds the gauges once the log is open. */
  public SpoolMeters(MeterScope scope) {
    this.scope = scope;
    counter("braintrust.spool.replayed", replayed, "Rows of an earlier run read back");
    counter("braintrust.spool.corrupt", corrupt, "Torn or corrupt segment tails skipped");
    scope.add(
        FunctionCounter.builder("braintrust.spool.corrupt.bytes", corruptBytes, LongAdder::sum)
            .description("Bytes of torn or corrupt segment tails skipped")
            .baseUnit("bytes")
            .tags(scope.tags())
            .register(scope.registry()));
    counter("braintrust.spool.write_errors", writeErrors, "Failed spool writes");
    counter("braintrust.spool.fsyncs", fsyncs, "Spool writes forced to the device");
  }

  /** Registers the gauges reading {@code log}. */
  public void gauges(SpoolLog log) {
    scope.gauge(
        "braintrust.spool.bytes",
        "Bytes of the spool's segment files",
        "bytes",
        log,
        SpoolLog::diskBytes);
    scope.gauge(
        "braintrust.spool.segments",
        "Segment files in the spool",
        null,
        log,
        SpoolLog::segmentCount);
  }

  private void counter(String name, LongAdder a, String description) {
    scope.counter(name, description, a, LongAdder::sum);
  }

  void replayed() {
    replayed.increment();
  }

  void corrupt(long bytes) {
    corrupt.increment();
    corruptBytes.add(bytes);
  }

  /** A write or its sync failed. */
  public void writeError() {
    writeErrors.increment();
  }

  void fsync() {
    fsyncs.increment();
  }
}

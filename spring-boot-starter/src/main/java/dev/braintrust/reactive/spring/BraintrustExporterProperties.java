package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.export.FsyncPolicy;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.core.export.SpoolOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * {@code braintrust.exporter.*}: the bounded buffer between the application and the API. Defaults
 * are the exporter's own, written out so the configuration processor can show them. Options no
 * property covers (masking, say) are set by a {@link BraintrustExporterCustomizer} bean.
 */
public class BraintrustExporterProperties {
  /** Most events buffered before the overflow policy applies. */
  private int capacity = 10_000;

  /**
   * What to do when the buffer is full: drop-newest, drop-oldest or block (up to block-timeout).
   */
  private OverflowPolicy.Kind overflowPolicy = OverflowPolicy.Kind.DROP_NEWEST;

  /** How long a producer waits for room under the block policy (never on event-loop threads). */
  private Duration blockTimeout = Duration.ofMillis(100);

  /** Most events in one batch. */
  private int maxBatchEvents = 1_000;

  /** Most uncompressed bytes in one request body. */
  private DataSize maxBatchBytes = DataSize.ofMegabytes(5);

  /** How long a partial batch may wait before it is sent. */
  private Duration flushInterval = Duration.ofSeconds(1);

  /** Most insert requests in flight at once. */
  private int maxConcurrentRequests = 4;

  /**
   * How long shutdown waits for the last spans to be delivered, once the web server has stopped
   * taking requests. Keep it below spring.lifecycle.timeout-per-shutdown-phase.
   */
  private Duration shutdownTimeout = Duration.ofSeconds(10);

  /** {@return {@code capacity}: most events buffered before the overflow policy applies} */
  public int getCapacity() {
    return capacity;
  }

  /** Sets {@code capacity}: most events buffered before the overflow policy applies. */
  public void setCapacity(int capacity) {
    this.capacity = capacity;
  }

  /**
   * {@return {@code overflow-policy}: what to do when the buffer is full: drop-newest, drop-oldest
   * or block (up to block-timeout)}
   */
  public OverflowPolicy.Kind getOverflowPolicy() {
    return overflowPolicy;
  }

  /**
   * Sets {@code overflow-policy}: what to do when the buffer is full: drop-newest, drop-oldest or
   * block (up to block-timeout).
   */
  public void setOverflowPolicy(OverflowPolicy.Kind overflowPolicy) {
    this.overflowPolicy = overflowPolicy;
  }

  /**
   * {@return {@code block-timeout}: how long a producer waits for room under the block policy
   * (never on event-loop threads)}
   */
  public Duration getBlockTimeout() {
    return blockTimeout;
  }

  /**
   * Sets {@code block-timeout}: how long a producer waits for room under the block policy (never on
   * event-loop threads).
   */
  public void setBlockTimeout(Duration blockTimeout) {
    this.blockTimeout = blockTimeout;
  }

  /** {@return {@code max-batch-events}: most events in one batch} */
  public int getMaxBatchEvents() {
    return maxBatchEvents;
  }

  /** Sets {@code max-batch-events}: most events in one batch. */
  public void setMaxBatchEvents(int maxBatchEvents) {
    this.maxBatchEvents = maxBatchEvents;
  }

  /** {@return {@code max-batch-bytes}: most uncompressed bytes in one request body} */
  public DataSize getMaxBatchBytes() {
    return maxBatchBytes;
  }

  /** Sets {@code max-batch-bytes}: most uncompressed bytes in one request body. */
  public void setMaxBatchBytes(DataSize maxBatchBytes) {
    this.maxBatchBytes = maxBatchBytes;
  }

  /** {@return {@code flush-interval}: how long a partial batch may wait before it is sent} */
  public Duration getFlushInterval() {
    return flushInterval;
  }

  /** Sets {@code flush-interval}: how long a partial batch may wait before it is sent. */
  public void setFlushInterval(Duration flushInterval) {
    this.flushInterval = flushInterval;
  }

  /** {@return {@code max-concurrent-requests}: most insert requests in flight at once} */
  public int getMaxConcurrentRequests() {
    return maxConcurrentRequests;
  }

  /** Sets {@code max-concurrent-requests}: most insert requests in flight at once. */
  public void setMaxConcurrentRequests(int maxConcurrentRequests) {
    this.maxConcurrentRequests = maxConcurrentRequests;
  }

  /**
   * {@return {@code shutdown-timeout}: how long shutdown waits for the last spans to be delivered,
   * once the web server has stopped taking requests}
   */
  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * Sets {@code shutdown-timeout}: how long shutdown waits for the last spans to be delivered, once
   * the web server has stopped taking requests.
   */
  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  /**
   * Most bytes buffered (an estimate of the events' JSON), on top of capacity; unset means no byte
   * budget.
   */
  private @Nullable DataSize capacityBytes;

  /**
   * Oldest an event may grow while the API refuses it before it is given up; unset: the default.
   */
  private @Nullable Duration maxEventAge;

  /** A write-ahead log on disk, so buffered events survive a crash or a long outage. */
  private final Spool spool = new Spool();

  /**
   * {@return {@code capacity-bytes}: most bytes buffered, on top of capacity; null for no byte
   * budget}
   */
  public @Nullable DataSize getCapacityBytes() {
    return capacityBytes;
  }

  /** Sets {@code capacity-bytes}: most bytes buffered, on top of capacity. */
  public void setCapacityBytes(@Nullable DataSize capacityBytes) {
    this.capacityBytes = capacityBytes;
  }

  /** {@return {@code max-event-age}: oldest an event may grow before it is given up, or null} */
  public @Nullable Duration getMaxEventAge() {
    return maxEventAge;
  }

  /** Sets {@code max-event-age}: oldest an event may grow before it is given up. */
  public void setMaxEventAge(@Nullable Duration maxEventAge) {
    this.maxEventAge = maxEventAge;
  }

  /** {@return {@code spool}: the write-ahead log on disk} */
  public Spool getSpool() {
    return spool;
  }

  /** {@code braintrust.exporter.spool.*}: the write-ahead log; off until a directory is set. */
  public static class Spool {
    /** Directory of the write-ahead log (one exporter per directory); unset means memory only. */
    private @Nullable Path directory;

    /** When the log is forced to disk: never, interval or every-batch. */
    private FsyncMode fsync = FsyncMode.INTERVAL;

    /** How often the log is forced to disk under the interval mode. */
    private Duration fsyncInterval = Duration.ofSeconds(1);

    /** Most disk the log may use. */
    private DataSize maxDiskSize = DataSize.ofBytes(SpoolOptions.DEFAULT_MAX_DISK_BYTES);

    /** {@return {@code directory}: the log's directory, or null for memory only} */
    public @Nullable Path getDirectory() {
      return directory;
    }

    /** Sets {@code directory}: the log's directory. */
    public void setDirectory(@Nullable Path directory) {
      this.directory = directory;
    }

    /** {@return {@code fsync}: when the log is forced to disk} */
    public FsyncMode getFsync() {
      return fsync;
    }

    /** Sets {@code fsync}: when the log is forced to disk. */
    public void setFsync(FsyncMode fsync) {
      this.fsync = fsync;
    }

    /** {@return {@code fsync-interval}: how often the log is forced to disk under interval} */
    public Duration getFsyncInterval() {
      return fsyncInterval;
    }

    /** Sets {@code fsync-interval}: how often the log is forced to disk under interval. */
    public void setFsyncInterval(Duration fsyncInterval) {
      this.fsyncInterval = fsyncInterval;
    }

    /** {@return {@code max-disk-size}: most disk the log may use} */
    public DataSize getMaxDiskSize() {
      return maxDiskSize;
    }

    /** Sets {@code max-disk-size}: most disk the log may use. */
    public void setMaxDiskSize(DataSize maxDiskSize) {
      this.maxDiskSize = maxDiskSize;
    }

    /** The options these properties give, or null when no directory is set. */
    @Nullable SpoolOptions options() {
      if (directory == null) {
        return null;
      }
      FsyncPolicy policy =
          switch (fsync) {
            case NEVER -> FsyncPolicy.never();
            case EVERY_BATCH -> FsyncPolicy.everyBatch();
            case INTERVAL -> FsyncPolicy.interval(fsyncInterval);
          };
      return SpoolOptions.builder(directory)
          .fsync(policy)
          .maxDiskBytes(maxDiskSize.toBytes())
          .build();
    }
  }

  /** When the spool forces its log to disk. */
  public enum FsyncMode {
    /** Left to the operating system. */
    NEVER,
    /** Every fsync-interval. */
    INTERVAL,
    /** After every batch written. */
    EVERY_BATCH
  }
}

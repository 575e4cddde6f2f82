package dev.braintrust.reactive.core.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.internal.Validation;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

/** Configures a {@link BraintrustExporter}; obtained from {@link BraintrustExporter#builder}. */
public final class BraintrustExporterBuilder {
  final Transport transport;
  int capacity = BraintrustExporter.DEFAULT_CAPACITY;
  long capacityBytes = Long.MAX_VALUE;
  @Nullable Masker masker;
  @Nullable SpoolOptions spool;
  int maxBatchEvents = BraintrustExporter.DEFAULT_MAX_BATCH_EVENTS;
  long maxBatchBytes = BraintrustExporter.DEFAULT_MAX_BATCH_BYTES;
  Duration flushInterval = BraintrustExporter.DEFAULT_FLUSH_INTERVAL;
  int maxConcurrentRequests = BraintrustExporter.DEFAULT_MAX_CONCURRENT_REQUESTS;
  OverflowPolicy policy = OverflowPolicy.dropNewest();
  Duration shutdownTimeout = BraintrustExporter.DEFAULT_SHUTDOWN_TIMEOUT;
  @Nullable Scheduler scheduler;
  @Nullable Scheduler encodeScheduler;
  @Nullable MeterRegistry registry;
  @Nullable ObjectMapper mapper;
  boolean shutdownHook;
  @Nullable Duration maxEventAge;
  DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
  // Attachments (issue 30): used when the transport is also an AttachmentUploader.
  long attachmentBudgetBytes = AttachmentHook.DEFAULT_BUDGET_BYTES;
  int attachmentConcurrency = AttachmentHook.DEFAULT_CONCURRENCY;

  BraintrustExporterBuilder(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  /**
   * Attachment uploads (when the transport is also an {@link
   * dev.braintrust.reactive.core.attachment.AttachmentUploader}, as {@code BraintrustClient} is):
   * at most {@code concurrency} at once, and rows waiting for them reserve at most {@code
   * budgetBytes} of content together (default 64 MiB, 4 at once). A row whose attachments don't fit
   * is sent at once with its original content. A budget of 0 turns uploads off.
   *
   * @param budgetBytes most content bytes held for uploads, or 0 for no uploads
   * @param concurrency most uploads at once
   * @return this builder
   */
  public BraintrustExporterBuilder attachmentUploads(long budgetBytes, int concurrency) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException(
          "attachment budgetBytes must not be negative, got " + budgetBytes);
    }
    this.attachmentBudgetBytes = budgetBytes;
    this.attachmentConcurrency = Validation.positive("attachment concurrency", concurrency);
    return this;
  }

  /**
   * Most events the exporter holds before the overflow policy applies (default 10,000): queued, in
   * open or sealed batches, and in requests in flight (also those waiting to be retried), since
   * each holds its place until its batch is settled. With a {@link #spool}, an event holds its
   * place until it is written to disk.
   *
   * @param capacity most events held before the overflow policy applies
   * @return this builder
   */
  public BraintrustExporterBuilder capacity(int capacity) {
    this.capacity = Validation.positive("capacity", capacity);
    return this;
  }

  /**
   * Most bytes of events held in memory before the overflow policy applies (default: no byte limit,
   * only {@link #capacity}), so a few huge rows can't exhaust the heap. Each event is charged an
   * estimate of its JSON size when it is accepted (strings count a byte per character, beans a flat
   * 64 bytes; see the README) and holds it until its batch is settled, or with a {@link #spool}
   * until it is written to disk. An event larger than the whole budget is dropped as {@code
   * oversized}.
   */
  public BraintrustExporterBuilder capacityBytes(long bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("capacityBytes must be at least 1024, got " + bytes);
    }
    this.capacityBytes = bytes;
    return this;
  }

  /**
   * Masks every event's input, output, expected and metadata values with {@code masker} before it
   * is buffered (and before it reaches a spool); see {@link Masker}.
   */
  public BraintrustExporterBuilder masker(Masker masker) {
    this.masker = Objects.requireNonNull(masker, "masker");
    return this;
  }

  /** Masks every user value with {@code function}; shorthand for {@link Masker#of}. */
  public BraintrustExporterBuilder mask(Function<Object, @Nullable Object> function) {
    Objects.requireNonNull(function, "mask");
    return masker(Masker.of(function));
  }

  /** Keeps accepted events in a disk spool in {@code directory}, with default limits. */
  public BraintrustExporterBuilder spool(Path directory) {
    return spool(SpoolOptions.of(Objects.requireNonNull(directory, "spool")));
  }

  /**
   * Keeps accepted events in a disk spool (off by default): each is appended to a write-ahead log
   * before it counts as accepted, batches are sent from it, and what was not acknowledged when the
   * process stopped (or crashed) is sent by the next exporter opened on the same directory. Only
   * one exporter may use a directory at a time: {@link #build()} throws {@link
   * dev.braintrust.reactive.core.BraintrustException} when another holds it. With a spool, {@link
   * #maxEventAge} defaults to 24 hours.
   */
  public BraintrustExporterBuilder spool(SpoolOptions options) {
    this.spool = Objects.requireNonNull(options, "spool");
    return this;
  }

  /** Most events in one batch (default 1,000). */
  public BraintrustExporterBuilder maxBatchEvents(int n) {
    this.maxBatchEvents = Validation.positive("maxBatchEvents", n);
    return this;
  }

  /**
   * Most uncompressed bytes in one request body (default 5 MiB; the transport's own limit applies
   * too). An event whose JSON alone is larger is dropped with reason {@code oversized}.
   *
   * @param bytes most uncompressed bytes in one request body
   * @return this builder
   */
  public BraintrustExporterBuilder maxBatchBytes(long bytes) {
    if (bytes < 64) {
      throw new IllegalArgumentException("maxBatchBytes must be at least 64, got " + bytes);
    }
    this.maxBatchBytes = bytes;
    return this;
  }

  /**
   * How long a partial batch may wait before it is sent (default 1 s).
   *
   * @param interval how long a partial batch may wait before it is sent
   * @return this builder
   */
  public BraintrustExporterBuilder flushInterval(Duration interval) {
    this.flushInterval = Validation.positive("flushInterval", interval);
    return this;
  }

  /**
   * Most insert requests in flight at once (default 4).
   *
   * @param n most insert requests in flight at once
   * @return this builder
   */
  public BraintrustExporterBuilder maxConcurrentRequests(int n) {
    this.maxConcurrentRequests = Validation.positive("maxConcurrentRequests", n);
    return this;
  }

  /**
   * What to do when the buffer is full (default {@link OverflowPolicy#dropNewest()}).
   *
   * @param policy what to do when the buffer is full
   * @return this builder
   */
  public BraintrustExporterBuilder overflowPolicy(OverflowPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "overflowPolicy");
    return this;
  }

  /**
   * How long {@link BraintrustExporter#close()} waits for delivery (default 10 s).
   *
   * @param timeout how long {@link BraintrustExporter#close()} waits for delivery
   * @return this builder
   */
  public BraintrustExporterBuilder shutdownTimeout(Duration timeout) {
    this.shutdownTimeout = Validation.positive("shutdownTimeout", timeout);
    return this;
  }

  /**
   * How long an event may wait for a throttling or failing server before it is given up and counted
   * as {@code max_age} (default 10 minutes, or 24 hours with a spool). Until then it is retried, as
   * long as the buffer has room.
   */
  public BraintrustExporterBuilder maxEventAge(Duration age) {
    this.maxEventAge = Validation.positive("maxEventAge", age);
    return this;
  }

  /** The source of jitter, in [0, 1); tests pin it to make timings exact. */
  BraintrustExporterBuilder random(DoubleSupplier random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /**
   * The scheduler for the drain worker, the flush timer and deadlines; a virtual one in tests.
   *
   * @param scheduler the scheduler for the drain worker
   * @return this builder
   */
  public BraintrustExporterBuilder scheduler(Scheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /**
   * Where batches are written to JSON (default: a private daemon pool of up to 4 threads, or the
   * {@link #scheduler} when one is given).
   *
   * @param scheduler where batches are written to JSON
   * @return this builder
   */
  public BraintrustExporterBuilder encodeScheduler(Scheduler scheduler) {
    this.encodeScheduler = Objects.requireNonNull(scheduler, "encodeScheduler");
    return this;
  }

  /**
   * Where to register meters (default: a private {@code SimpleMeterRegistry}).
   *
   * @param registry where to register meters
   * @return this builder
   */
  public BraintrustExporterBuilder meterRegistry(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "meterRegistry");
    return this;
  }

  /**
   * The Jackson mapper that writes user values (input, output, metadata...), e.g. the application's
   * own with its modules; the row's envelope is always written the same way.
   *
   * @param mapper the Jackson mapper that writes user values
   * @return this builder
   */
  public BraintrustExporterBuilder objectMapper(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "objectMapper");
    return this;
  }

  /**
   * Whether to close (and so flush) on JVM shutdown (default false).
   *
   * @param register whether to close on JVM shutdown
   * @return this builder
   */
  public BraintrustExporterBuilder registerShutdownHook(boolean register) {
    this.shutdownHook = register;
    return this;
  }

  /**
   * The exporter, started.
   *
   * @return the exporter, started
   */
  public BraintrustExporter build() {
    return new BraintrustExporter(this);
  }
}

package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.SpanSink;
import dev.braintrust.reactive.core.attachment.AttachmentStats;
import dev.braintrust.reactive.core.export.internal.EventMasking;
import dev.braintrust.reactive.core.export.internal.MeterScope;
import dev.braintrust.reactive.core.export.internal.SpoolLog;
import dev.braintrust.reactive.core.export.internal.SpoolMeters;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.core.internal.Validation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The bounded, batching buffer between instrumented code and a {@link Transport}.
 *
 * <p>Application threads call {@link #accept} (lock-free: one CAS and one queue offer). A single
 * drain worker groups events per destination into batches closed by count or by the flush interval
 * (whichever comes first), folding updates of the same row. Each batch is written to JSON on the
 * encode scheduler (all cores) and sent as requests of at most {@code maxBatchBytes}, at most
 * {@code maxConcurrentRequests} batches at a time. When sending falls behind, the buffer fills and
 * the {@link OverflowPolicy} applies; every event that is not delivered is counted with a reason.
 *
 * <p>Optionally, {@link BraintrustExporterBuilder#capacityBytes} bounds the memory events hold,
 * {@link BraintrustExporterBuilder#masker} rewrites user values before they are buffered, and
 * {@link BraintrustExporterBuilder#spool} keeps accepted events in a write-ahead log on disk (on
 * its own thread) until the server acknowledges them, so they survive a crash or a long outage.
 *
 * <pre>{@code
 * BraintrustExporter exporter = BraintrustExporter.builder(transport)
 *     .capacity(10_000)
 *     .overflowPolicy(OverflowPolicy.dropOldest())
 *     .build();
 * }</pre>
 */
public final class BraintrustExporter implements SpanSink, AutoCloseable {
  /** Default buffer capacity in events. */
  public static final int DEFAULT_CAPACITY = 10_000;

  /** Default most events in one batch. */
  public static final int DEFAULT_MAX_BATCH_EVENTS = 1_000;

  /** Default most uncompressed bytes in one request body (and in one event). */
  public static final long DEFAULT_MAX_BATCH_BYTES = 5L * 1024 * 1024;

  /** Default time after which a partial batch is sent. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);

  /** Default requests in flight at once. */
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 4;

  /** Default longest wait for a throttling or failing server before an event is given up. */
  public static final Duration DEFAULT_MAX_EVENT_AGE = Duration.ofMinutes(10);

  /** Default time {@link #close()} waits for delivery. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /** Default {@code maxEventAge} with a spool: memory no longer limits how long events wait. */
  public static final Duration DEFAULT_SPOOLED_MAX_EVENT_AGE = Duration.ofHours(24);

  // How long a shutdown past its deadline still waits for the spool to close its files.
  private static final Duration SPOOL_CLOSE_GRACE = Duration.ofSeconds(1);

  private final Transport transport;
  private final Duration shutdownTimeout;
  private final int capacity;
  private final AtomicInteger queued;
  private final AtomicLong heldBytes = new AtomicLong();
  private final @Nullable SpoolPump spool;
  private final Scheduler scheduler;
  private final boolean ownsScheduler;
  private final Scheduler.Worker worker;
  private final Scheduler encodeScheduler;
  private final boolean ownsEncodeScheduler;
  // Shutdown deadlines run here, never on the worker, so a busy worker can't delay them.
  private final @Nullable Scheduler timer;
  private final Disposable ticker;
  private final @Nullable Thread shutdownHook;

  private final ExporterMetrics metrics;
  private final MeterScope meters;
  private final Admission admission;
  private final Batcher batcher;
  private final AttachmentHook attachments; // rows wait here for their uploads (issue 30)
  // Set by the first shutdown; completes with how many events it left undelivered.
  private final AtomicReference<@Nullable CompletableFuture<Long>> shutdown =
      new AtomicReference<>();
  private volatile String shutdownReason = "";

  BraintrustExporter(BraintrustExporterBuilder b) {
    // Tagged with this exporter's number, and removed from a shared registry at shutdown.
    this.meters =
        new MeterScope(
            b.registry != null ? b.registry : new SimpleMeterRegistry(), b.registry == null);
    // The spool's lock is taken first, so a refusal leaves no threads behind.
    SpoolMeters spoolMeters = b.spool != null ? new SpoolMeters(meters) : null;
    SpoolLog spoolLog =
        b.spool != null
            ? SpoolPump.open(b.spool, java.util.Objects.requireNonNull(spoolMeters))
            : null;
    this.transport = b.transport;
    this.shutdownTimeout = b.shutdownTimeout;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler =
        b.scheduler != null ? b.scheduler : Schedulers.newSingle("braintrust-exporter", true);
    this.timer = b.scheduler;
    this.worker = scheduler.createWorker();
    // A caller-provided scheduler (virtual time in tests) also encodes, keeping runs deterministic.
    if (b.encodeScheduler != null || b.scheduler != null) {
      this.encodeScheduler = b.encodeScheduler != null ? b.encodeScheduler : b.scheduler;
      this.ownsEncodeScheduler = false;
    } else {
      this.encodeScheduler =
          Schedulers.newParallel(
              "braintrust-encode",
              Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
              true);
      this.ownsEncodeScheduler = true;
    }
    this.capacity = b.capacity;
    this.queued = new AtomicInteger();
    this.metrics = new ExporterMetrics(meters, queued, heldBytes, spoolLog != null);
    long maxBytes = Math.min(b.maxBatchBytes, b.transport.maxRequestBytes());
    // A batch is sealed at a request's worth of bytes, or sooner when a quarter of the byte budget
    // is in it, so batches waiting for the flush interval never hold the whole budget.
    long sealBytes = Math.min(maxBytes, b.capacityBytes / 4);
    EventEncoder encoder = b.mapper != null ? new EventEncoder(b.mapper) : new EventEncoder();
    this.admission =
        new Admission(
            b.capacity,
            b.capacityBytes,
            // With a spool, its thread writes each event as soon as it can.
            spoolLog != null ? 1 : b.maxBatchEvents,
            sealBytes,
            b.policy,
            metrics,
            queued,
            heldBytes,
            b.masker != null ? new EventMasking(b.masker, metrics::maskingFailed) : null,
            // Admission reaches its consumer through this exporter's fields, set before any use.
            this::wakeConsumer,
            this::sendingThrottled,
            spoolLog == null);
    SpoolFeed feed =
        spoolLog == null
            ? null
            // Rows read back for sending: about a batch per request in flight, plus one. Each row
            // is held up to three times while sent (as read, in the request body, compressed), so
            // a byte budget allows them a third of it: all three fit in capacityBytes.
            : new SpoolFeed(
                admission,
                (int)
                    Math.min(Integer.MAX_VALUE, (b.maxConcurrentRequests + 1L) * b.maxBatchEvents),
                Math.min(
                    b.capacityBytes / 3,
                    Admission.saturatedTimes(b.maxConcurrentRequests + 1L, maxBytes)),
                b.maxBatchEvents,
                sealBytes);
    Duration maxAge =
        b.maxEventAge != null
            ? b.maxEventAge
            : spoolLog != null ? DEFAULT_SPOOLED_MAX_EVENT_AGE : DEFAULT_MAX_EVENT_AGE;
    this.batcher =
        new Batcher(
            feed != null ? feed : admission,
            transport,
            new BatchEncoder(encoder, maxBytes, metrics),
            metrics,
            scheduler,
            worker,
            encodeScheduler,
            b.maxBatchEvents,
            sealBytes,
            b.maxConcurrentRequests,
            maxAge,
            b.random);
    this.attachments = AttachmentHook.create(b, admission::offerStaged, meters);
    if (spoolLog != null && feed != null && b.spool != null && spoolMeters != null) {
      SpoolPump p =
          new SpoolPump(
              spoolLog,
              spoolMeters,
              b.spool,
              admission,
              feed,
              metrics,
              encoder,
              maxBytes,
              b.policy);
      feed.connect(p::signal, batcher::wake, batcher::drain);
      this.spool = p;
      p.scheduleFsync(b.spool.fsync(), worker);
      // Starts replaying what an earlier run left.
      p.signal();
    } else {
      this.spool = null;
    }

    long interval = b.flushInterval.toNanos();
    // The first tick is jittered (half to all of the interval), so exporters started together do
    // not flush in the same instant of every interval from then on.
    long first = (long) (interval * (0.5 + 0.5 * b.random.getAsDouble()));
    this.ticker =
        worker.schedulePeriodically(
            () -> {
              batcher.requestSeal();
              metrics.reportDrops();
            },
            first,
            interval,
            TimeUnit.NANOSECONDS);
    if (b.shutdownHook) {
      Thread hook = new Thread(this::closeFromHook, "braintrust-exporter-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      this.shutdownHook = hook;
    } else {
      this.shutdownHook = null;
    }
  }

  /** Wakes whoever takes events from admission: the spool thread, else the drain worker. */
  private void wakeConsumer() {
    SpoolPump p = spool;
    if (p != null) {
      p.signal();
    } else {
      batcher.wake();
    }
  }

  private boolean sendingThrottled() {
    return batcher.isThrottled();
  }

  /** A builder sending through {@code transport}. */
  public static BraintrustExporterBuilder builder(Transport transport) {
    return new BraintrustExporterBuilder(transport);
  }

  /** Buffers one event, applying the overflow policy when full. Never throws. */
  @Override
  public void accept(@Nullable BraintrustEvent event) {
    if (shutdown.get() == null && attachments.offer(event)) {
      return;
    }
    admission.offer(event);
  }

  /**
   * Completes once every event accepted before this call was acknowledged by the server; errors
   * with {@link BraintrustExportException} if some of them failed for good. Never blocks. Once a
   * shutdown has begun it completes no later than the shutdown's deadline, and after shutdown it
   * completes at once with the shutdown's outcome.
   *
   * @return completes when the flush is done
   */
  public Mono<Void> flush() {
    return attachments.flushed().then(Mono.defer(() -> outcome(batcher.flush().done)));
  }

  private Mono<Void> outcome(CompletableFuture<Long> undelivered) {
    return Mono.fromFuture(undelivered, false)
        .filter(n -> n > 0)
        .flatMap(n -> Mono.error(new BraintrustExportException(n, undeliveredReason())));
  }

  private String undeliveredReason() {
    return ShutdownReport.reason(shutdownReason, metrics.lastFailure(), metrics.stats());
  }

  /**
   * Stops accepting events, delivers what was accepted within {@code timeout}, then releases the
   * worker and the transport. At the deadline, requests still in flight are cancelled and their
   * events counted under {@code in_flight_at_deadline}, everything else undelivered under {@code
   * shutdown_deadline}, and one line is logged. Completes normally even then, no later than the
   * deadline. Only the first call shuts down: later calls, whatever their timeout, complete with
   * the first one. With a spool, undelivered events stay on disk (counted as {@code left_in_spool})
   * and it also waits, at most a second past the deadline, for the spool's files to be closed and
   * its directory released.
   */
  public Mono<Void> shutdown(Duration timeout) {
    Validation.positive("timeout", timeout);
    return Mono.defer(() -> Mono.fromFuture(startShutdown(timeout), false)).then();
  }

  /**
   * Shuts down with the configured timeout and waits for it, for try-with-resources. On a Reactor
   * non-blocking thread (an event loop, where blocking is not allowed) it starts the shutdown and
   * returns at once; subscribe to {@link #shutdown(Duration)} to know when it is done.
   */
  @Override
  public void close() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to; it closes us.
      }
    }
    Mono<Void> done = shutdown(shutdownTimeout);
    if (Schedulers.isInNonBlockingThread()) {
      done.subscribe();
    } else {
      done.block();
    }
  }

  private void closeFromHook() {
    shutdown(shutdownTimeout)
        .doOnError(e -> ExporterMetrics.LOG.warn("Braintrust exporter shutdown hook failed", e))
        .onErrorComplete()
        .block();
  }

  private CompletableFuture<Long> startShutdown(Duration timeout) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    if (!shutdown.compareAndSet(null, result)) {
      return java.util.Objects.requireNonNull(shutdown.get());
    }
    admission.close();
    // Looked up now, not at build time, so a virtual-time test that installed its clock since
    // applies.
    Scheduler timer = this.timer != null ? this.timer : Schedulers.parallel();
    long deadline = timer.now(TimeUnit.NANOSECONDS) + timeout.toNanos();
    AtomicBoolean finished = new AtomicBoolean();
    Disposable[] timeoutTask = new Disposable[1];
    Runnable onDeadline =
        () -> {
          if (finished.compareAndSet(false, true)) {
            String why = "shutdown deadline of " + timeout + " passed";
            shutdownReason = why;
            // The worker settles what is outstanding; the rest goes on here, on the timer, so the
            // worker's scheduler is never disposed from one of its own threads.
            batcher
                .stopAtDeadline()
                .whenComplete(
                    (n, e) ->
                        timer.schedule(
                            () -> {
                              long abandoned = n == null ? 0 : n;
                              ShutdownReport.logDeadline(metrics.stats(), why, abandoned);
                              release(result, abandoned, deadline, timer);
                            }));
          }
        };
    timeoutTask[0] = timer.schedule(onDeadline, timeout.toNanos(), TimeUnit.NANOSECONDS);
    attachments
        .close(timeout, timer)
        .thenCompose(v -> batcher.flush().done)
        .whenComplete(
            (undelivered, e) ->
                timer.schedule(
                    () -> {
                      if (finished.compareAndSet(false, true)) {
                        timeoutTask[0].dispose();
                        long n = undelivered == null ? 0 : undelivered;
                        batcher.stopAfterDrain(n);
                        release(result, n, deadline, timer);
                      }
                    }));
    return result;
  }

  /** Frees the worker, then gives the transport what is left of the deadline to close. */
  private void release(
      CompletableFuture<Long> result, long undelivered, long deadline, Scheduler timer) {
    ticker.dispose();
    worker.dispose();
    if (ownsScheduler) {
      scheduler.dispose();
    }
    if (ownsEncodeScheduler) {
      encodeScheduler.dispose();
    }
    long left = deadline - timer.now(TimeUnit.NANOSECONDS);
    Mono<Void> closing;
    try {
      closing = transport.shutdown().onErrorResume(e -> Mono.empty());
    } catch (RuntimeException e) {
      closing = Mono.empty();
    }
    if (left <= 0) {
      closing.subscribe();
      closing = Mono.empty();
    } else {
      closing = closing.timeout(Duration.ofNanos(left), timer).onErrorResume(e -> Mono.empty());
    }
    if (spool != null) {
      // Forces the spool's files and releases its directory for the next exporter; waited for
      // even at the deadline, for at most SPOOL_CLOSE_GRACE of real time (closing files takes
      // milliseconds). Not on the exporter's timer: a virtual clock could pass the grace before
      // the spool thread has run at all, leaving the directory locked after shutdown completed.
      Mono<Void> spoolClosed =
          Mono.fromFuture(
                  spool.close().orTimeout(SPOOL_CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS),
                  false)
              .onErrorResume(e -> Mono.empty());
      closing = Mono.when(closing, spoolClosed);
    }
    closing
        .doFinally(
            s -> {
              ShutdownReport.print(metrics.stats(), shutdownReason, metrics.lastFailure());
              meters.close();
              result.complete(undelivered);
            })
        .subscribe();
  }

  /**
   * A snapshot of the counters: {@code submitted == delivered + failed + droppedTotal + pending}.
   *
   * @return a snapshot of the counters: {@code submitted == delivered + failed + droppedTotal +
   *     pending}
   */
  public ExporterStats stats() {
    return attachments.adjust(metrics.stats());
  }

  /** A snapshot of the attachment uploads (all zero when the transport cannot upload). */
  public AttachmentStats attachmentStats() {
    return attachments.stats();
  }

  /**
   * The buffer's capacity in events.
   *
   * @return the buffer's capacity in events
   */
  public int capacity() {
    return capacity;
  }

  /**
   * Events waiting in the buffer now (not yet taken into a batch).
   *
   * @return events waiting in the buffer now (not yet taken into a batch)
   */
  public int queued() {
    return queued.get();
  }

  /**
   * Estimated bytes of events held in memory against {@code capacityBytes} (0 without a byte
   * budget): from acceptance until their batch settles, or with a spool until they are written.
   */
  public long bufferedBytes() {
    return heldBytes.get();
  }

  /** Why events last failed for good (a batch or a row), or null if none has; for health checks. */
  public @Nullable String lastFailure() {
    return metrics.lastFailure();
  }

  /**
   * Why sending is paused now, the server throttling or failing (its answer, e.g. {@code
   * "throttled: HTTP 429 ..."}), or null when it is not: set when a batch is held back for a retry,
   * cleared when one is delivered again. Unlike {@link #lastFailure()} nothing is lost yet: events
   * wait in the buffer meanwhile. For health checks.
   *
   * @return why sending is paused now, or null
   */
  public @Nullable String backoffReason() {
    return metrics.backoff();
  }

  /**
   * Whether {@link #shutdown} (or {@link #close}) has begun: new events are dropped as closed.
   *
   * @return whether {@link #shutdown} (or {@link #close}) has begun: new events are dropped as
   *     closed
   */
  public boolean isShutdown() {
    return shutdown.get() != null;
  }

  /**
   * The registry holding this exporter's meters.
   *
   * @return the registry holding this exporter's meters
   */
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }
}

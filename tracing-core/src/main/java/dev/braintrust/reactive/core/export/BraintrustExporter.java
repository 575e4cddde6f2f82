package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.SpanSink;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.core.internal.RowBuffer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The bounded, batching buffer between instrumented code and a {@link Transport}.
 *
 * <p>Application threads call {@link #accept} (lock-free: one CAS and one queue offer). A single
 * drain worker groups events per destination into batches closed by count or by the flush
 * interval (whichever comes first), folding updates of the same row. Each batch is written to JSON
 * on the encode scheduler (all cores) and sent as requests of at most {@code maxBatchBytes}, at
 * most {@code maxConcurrentRequests} batches at a time. When sending falls behind, the buffer fills
 * and the {@link OverflowPolicy} applies; every event that is not delivered is counted with a
 * reason.
 *
 * <pre>{@code
 * BraintrustExporter exporter = BraintrustExporter.builder(transport)
 *     .capacity(10_000)
 *     .overflowPolicy(OverflowPolicy.dropOldest())
 *     .build();
 * }</pre>
 */
public final class BraintrustExporter implements SpanSink, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BraintrustExporter.class.getName());

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
  /** Default time {@link #close()} waits for delivery. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  private final Transport transport;
  private final int capacity;
  private final int maxBatchEvents;
  private final long maxBatchBytes;
  private final int maxInFlight;
  private final OverflowPolicy policy;
  private final Duration shutdownTimeout;
  private final EventEncoder encoder;
  private final Scheduler scheduler;
  private final boolean ownsScheduler;
  private final Scheduler.Worker worker;
  private final Scheduler encodeScheduler;
  private final boolean ownsEncodeScheduler;
  private final Disposable ticker;
  private final @Nullable Thread shutdownHook;

  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger wip = new AtomicInteger();
  private volatile boolean backpressured;
  private volatile boolean sealRequested;
  private volatile boolean closed;
  private volatile boolean terminated;

  private final LongAdder submitted = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong serializationErrors = new AtomicLong();
  private final EnumMap<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
  private static final int DROP_REPORT_SECONDS = 10;
  // Written once per reason; a racy double log on the very first drop is harmless.
  private final boolean[] warned = new boolean[DropReason.values().length];
  // Ticker-confined: what the last summary reported, and when.
  private final long[] reportedDrops = new long[DropReason.values().length];
  private long lastDropReport = System.nanoTime();
  private final MeterRegistry registry;
  private final Counter batchesSent;
  private final Counter bytesUncompressed;
  private final Counter bytesSent;
  private final Counter retries;
  private final Counter requests;
  private final Timer batchLatency;
  private volatile String lastFailure = "none";

  // Confined to the drain worker.
  private final Map<Destination, OpenBatch> open = new LinkedHashMap<>();
  private final ArrayDeque<PendingBatch> ready = new ArrayDeque<>();
  private final Set<PendingBatch> outstanding = new LinkedHashSet<>();
  private int inFlight;
  // A sizing hint shared by the encode threads; a stale value only costs a buffer resize.
  private volatile long lastBatchBytes = 16 * 1024;

  private BraintrustExporter(Builder b) {
    this.transport = b.transport;
    this.capacity = b.capacity;
    this.maxBatchEvents = b.maxBatchEvents;
    this.maxBatchBytes = b.maxBatchBytes;
    this.maxInFlight = b.maxConcurrentRequests;
    this.policy = b.policy;
    this.shutdownTimeout = b.shutdownTimeout;
    this.encoder = b.encoder != null ? b.encoder : new EventEncoder();
    this.ownsScheduler = b.scheduler == null;
    this.scheduler =
        b.scheduler != null ? b.scheduler : Schedulers.newSingle("braintrust-exporter", true);
    this.worker = scheduler.createWorker();
    // A caller-provided scheduler (virtual time in tests) also encodes, keeping runs deterministic.
    if (b.encodeScheduler != null) {
      this.encodeScheduler = b.encodeScheduler;
      this.ownsEncodeScheduler = false;
    } else if (b.scheduler != null) {
      this.encodeScheduler = b.scheduler;
      this.ownsEncodeScheduler = false;
    } else {
      this.encodeScheduler = Schedulers.newParallel("braintrust-encode",
          Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), true);
      this.ownsEncodeScheduler = true;
    }
    this.registry = b.registry != null ? b.registry : new SimpleMeterRegistry();

    for (DropReason r : DropReason.values()) {
      LongAdder adder = new LongAdder();
      dropped.put(r, adder);
      FunctionCounter.builder("braintrust.events.dropped", adder, LongAdder::sum)
          .tag("reason", r.tag())
          .description("Events not sent, by reason")
          .register(registry);
    }
    FunctionCounter.builder("braintrust.events.submitted", submitted, LongAdder::sum)
        .description("Events handed to the exporter")
        .register(registry);
    FunctionCounter.builder("braintrust.events.accepted", accepted, LongAdder::sum)
        .description("Events taken into the buffer")
        .register(registry);
    FunctionCounter.builder("braintrust.events.delivered", delivered, AtomicLong::get)
        .description("Events acknowledged by the server")
        .register(registry);
    FunctionCounter.builder("braintrust.events.failed", failed, AtomicLong::get)
        .description("Events whose batch failed for good")
        .register(registry);
    FunctionCounter.builder(
            "braintrust.events.serialization_errors", serializationErrors, AtomicLong::get)
        .description("Events sent with values replaced because they could not be serialised")
        .register(registry);
    Gauge.builder("braintrust.buffer.queued", queued, AtomicInteger::get)
        .description("Events waiting in the buffer")
        .register(registry);
    this.batchesSent = Counter.builder("braintrust.batches.sent").register(registry);
    this.bytesUncompressed =
        Counter.builder("braintrust.bytes.uncompressed").baseUnit("bytes").register(registry);
    this.bytesSent = Counter.builder("braintrust.bytes.sent").baseUnit("bytes").register(registry);
    this.retries = Counter.builder("braintrust.requests.retries").register(registry);
    this.requests = Counter.builder("braintrust.requests").register(registry);
    this.batchLatency =
        Timer.builder("braintrust.batch.latency")
            .description("Time from sending a batch to its acknowledgement, retries included")
            .register(registry);

    long interval = b.flushInterval.toNanos();
    this.ticker =
        worker.schedulePeriodically(
            () -> {
              sealRequested = true;
              drain();
              reportDrops();
            },
            interval,
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

  /** A builder sending through {@code transport}. */
  public static Builder builder(Transport transport) {
    return new Builder(transport);
  }

  // ---------------------------------------------------------------- producer side

  /** Buffers one event, applying the overflow policy when full. Never throws. */
  @Override
  public void accept(@Nullable BraintrustEvent event) {
    submitted.increment();
    if (event == null) {
      drop(DropReason.INVALID, 1, "a null event was submitted");
      return;
    }
    if (closed) {
      drop(DropReason.CLOSED, 1, "the exporter is closed");
      return;
    }
    if (!tryReserve() && !makeRoom()) {
      return;
    }
    queue.offer(event);
    accepted.increment();
    if (queued.get() >= maxBatchEvents && !backpressured && wip.get() == 0) {
      drain();
    }
  }

  private boolean tryReserve() {
    for (; ; ) {
      int n = queued.get();
      if (n >= capacity) {
        return false;
      }
      if (queued.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Applies the overflow policy; true when a slot was reserved for the new event. */
  private boolean makeRoom() {
    switch (policy.kind()) {
      case DROP_OLDEST:
        for (int attempt = 0; attempt < 16; attempt++) {
          if (evictOldest() && tryReserve()) {
            return true;
          }
          if (tryReserve()) {
            return true;
          }
        }
        drop(DropReason.QUEUE_FULL, 1, "the buffer is full");
        return false;
      case BLOCK:
        if (Schedulers.isInNonBlockingThread()) {
          drop(DropReason.QUEUE_FULL, 1, "the buffer is full (no waiting on a non-blocking thread)");
          return false;
        }
        long deadline = System.nanoTime() + policy.timeout().toNanos();
        long park = 1_000;
        while (System.nanoTime() - deadline < 0) {
          if (tryReserve()) {
            return true;
          }
          drain();
          LockSupport.parkNanos(park);
          park = Math.min(park * 2, 1_000_000);
          if (closed) {
            break;
          }
        }
        if (tryReserve()) {
          return true;
        }
        drop(DropReason.TIMEOUT, 1, "the buffer stayed full for " + policy.timeout());
        return false;
      default:
        drop(DropReason.QUEUE_FULL, 1, "the buffer is full");
        return false;
    }
  }

  private boolean evictOldest() {
    for (Object o : queue) {
      // remove(o) is atomic per node, so a race with the drain never counts an event twice.
      if (o instanceof BraintrustEvent && queue.remove(o)) {
        queued.decrementAndGet();
        drop(DropReason.EVICTED, 1, "the buffer is full; the oldest event was evicted");
        return true;
      }
    }
    return false;
  }

  private void drop(DropReason reason, long n, String why) {
    dropped.get(reason).add(n);
    // Only the first drop of each reason is logged here; the ticker reports the rest in summary,
    // so producers never contend on a shared counter just to decide whether to log.
    if (!warned[reason.ordinal()]) {
      warned[reason.ordinal()] = true;
      LOG.log(Level.WARNING, "Braintrust exporter dropped {0} event(s), reason {1}: {2}"
          + " (further drops are summarised every {3} s)", n, reason.tag(), why, DROP_REPORT_SECONDS);
    }
  }

  /** Logs how many events were dropped since the last report, at most every 10 seconds. */
  private void reportDrops() {
    long now = System.nanoTime();
    if (now - lastDropReport < TimeUnit.SECONDS.toNanos(DROP_REPORT_SECONDS)) {
      return;
    }
    StringBuilder summary = new StringBuilder();
    for (DropReason r : DropReason.values()) {
      long total = dropped.get(r).sum();
      long since = total - reportedDrops[r.ordinal()];
      if (since > 0) {
        summary.append(summary.length() == 0 ? "" : ", ").append(since).append(' ').append(r.tag());
        reportedDrops[r.ordinal()] = total;
      }
    }
    lastDropReport = now;
    if (summary.length() > 0) {
      LOG.log(Level.WARNING, "Braintrust exporter dropped events since the last report: " + summary);
    }
  }

  // ---------------------------------------------------------------- flush and close

  /**
   * Completes once every event accepted before this call was acknowledged by the server; errors
   * with {@link BraintrustExportException} if some of them failed for good. Never blocks.
   */
  public Mono<Void> flush() {
    return Mono.defer(
        () -> {
          FlushMarker marker = new FlushMarker();
          queue.offer(marker);
          drain();
          return Mono.fromFuture(marker.done, false)
              .flatMap(
                  failedCount ->
                      failedCount == 0
                          ? Mono.<Void>empty()
                          : Mono.error(new BraintrustExportException(failedCount, lastFailure)));
        });
  }

  /**
   * Stops accepting events, delivers what was accepted within {@code timeout}, then releases the
   * worker and the transport. Whatever is still undelivered at the deadline is counted under
   * {@code shutdown_deadline} and logged once. Completes normally even then.
   */
  public Mono<Void> shutdown(Duration timeout) {
    return Mono.defer(
        () -> {
          closed = true;
          return flush()
              .onErrorResume(BraintrustExportException.class, e -> Mono.empty())
              .timeout(timeout, Schedulers.parallel())
              .onErrorResume(
                  java.util.concurrent.TimeoutException.class,
                  e -> Mono.fromRunnable(() -> abandonRemaining(timeout)))
              .then(Mono.fromRunnable(this::terminate))
              .then(transport.shutdown().onErrorResume(e -> Mono.empty()));
        });
  }

  /** Shuts down with the configured timeout, waiting for it; for try-with-resources. */
  @Override
  public void close() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to; it closes us.
      }
    }
    shutdown(shutdownTimeout).block();
  }

  private void closeFromHook() {
    try {
      shutdown(shutdownTimeout).block();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Braintrust exporter shutdown hook failed", e);
    }
  }

  private synchronized void abandonRemaining(Duration timeout) {
    if (terminated) {
      return;
    }
    terminated = true;
    long remaining = pendingCount();
    if (remaining > 0) {
      drop(DropReason.SHUTDOWN_DEADLINE, remaining, "shutdown deadline of " + timeout + " passed");
    }
  }

  private void terminate() {
    terminated = true;
    ticker.dispose();
    worker.dispose();
    if (ownsScheduler) {
      scheduler.dispose();
    }
    if (ownsEncodeScheduler) {
      encodeScheduler.dispose();
    }
  }

  private long pendingCount() {
    long dropAfterAccept =
        dropped.get(DropReason.EVICTED).sum()
            + dropped.get(DropReason.OVERSIZED).sum()
            + dropped.get(DropReason.SHUTDOWN_DEADLINE).sum();
    return Math.max(0, accepted.sum() - delivered.get() - failed.get() - dropAfterAccept);
  }

  /** A snapshot of the counters. */
  public ExporterStats stats() {
    EnumMap<DropReason, Long> d = new EnumMap<>(DropReason.class);
    dropped.forEach((k, v) -> d.put(k, v.sum()));
    return new ExporterStats(
        submitted.sum(),
        accepted.sum(),
        delivered.get(),
        failed.get(),
        d,
        terminated ? 0 : pendingCount(),
        serializationErrors.get());
  }

  /** The registry holding this exporter's meters. */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  // ---------------------------------------------------------------- drain worker

  private void drain() {
    if (wip.getAndIncrement() == 0 && !terminated) {
      try {
        worker.schedule(this::drainLoop);
      } catch (RuntimeException rejected) {
        wip.set(0);
      }
    }
  }

  private void drainLoop() {
    int missed = 1;
    do {
      try {
        drainOnce();
      } catch (Throwable t) {
        LOG.log(Level.ERROR, "Braintrust exporter drain failed; continuing", t);
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void drainOnce() {
    while (ready.size() < maxInFlight) {
      Object o = queue.poll();
      if (o == null) {
        break;
      }
      if (o instanceof FlushMarker) {
        sealAll();
        ((FlushMarker) o).await(new ArrayList<>(outstanding));
        continue;
      }
      queued.decrementAndGet();
      add((BraintrustEvent) o);
    }
    if (sealRequested) {
      sealRequested = false;
      sealAll();
    }
    while (inFlight < maxInFlight && !ready.isEmpty()) {
      send(ready.poll());
    }
    backpressured = ready.size() >= maxInFlight;
  }

  private void add(BraintrustEvent event) {
    OpenBatch batch = open.get(event.destination());
    if (batch == null) {
      batch = new OpenBatch(event.destination());
      open.put(event.destination(), batch);
    }
    if (!batch.foldInto(event)) {
      batch.append(event);
      if (batch.count() >= maxBatchEvents) {
        seal(batch);
      }
    }
  }

  private void sealAll() {
    for (OpenBatch b : new ArrayList<>(open.values())) {
      seal(b);
    }
  }

  private void seal(OpenBatch batch) {
    open.remove(batch.destination);
    if (batch.count() == 0) {
      return;
    }
    PendingBatch p = new PendingBatch(batch.destination, batch.events, batch.weights);
    ready.add(p);
    outstanding.add(p);
  }

  /**
   * Encodes the batch off the drain thread, one request-sized chunk at a time, and sends each
   * chunk before encoding the next: encoding uses every core, and a batch in flight holds at most
   * about one request of bytes.
   */
  private void send(PendingBatch batch) {
    inFlight++;
    long start = System.nanoTime();
    Chunker chunker = new Chunker(batch);
    Mono<InsertResult> call =
        Flux.<EncodedChunk>generate(sink -> {
              EncodedChunk c = chunker.next();
              if (c == null) {
                sink.complete();
              } else {
                sink.next(c);
              }
            })
            .subscribeOn(encodeScheduler)
            .concatMap(c -> insert(batch.destination, c.batch()).doOnNext(r -> chunker.delivered += c.weight()), 1)
            .reduce(InsertResult::plus);
    call.subscribe(
        result -> schedule(() -> done(batch, chunker, result, null, start)),
        error -> schedule(() -> done(batch, chunker, null, error, start)),
        () -> schedule(() -> done(batch, chunker, null, null, start)));
  }

  private Mono<InsertResult> insert(Destination destination, EncodedBatch chunk) {
    try {
      return transport.insert(destination, chunk)
          .switchIfEmpty(Mono.fromSupplier(() -> InsertResult.of(chunk.size(), chunk.bodyBytes(), chunk.bodyBytes(), 1, 0)));
    } catch (Throwable t) {
      return Mono.error(t);
    }
  }

  private void schedule(Runnable task) {
    try {
      worker.schedule(task);
    } catch (RuntimeException rejected) {
      // The worker is gone after termination; nothing left to account for.
    }
  }

  private void done(PendingBatch batch, Chunker chunker, @Nullable InsertResult result, @Nullable Throwable error,
      long start) {
    if (batch.finished) {
      return;
    }
    batch.finished = true;
    inFlight--;
    outstanding.remove(batch);
    long sent = chunker.delivered;
    long lost = batch.totalWeight - chunker.dropped - sent;
    if (!terminated) {
      batchLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      delivered.addAndGet(sent);
      if (result != null) {
        batchesSent.increment();
        bytesUncompressed.increment(result.uncompressedBytes());
        bytesSent.increment(result.sentBytes());
        retries.increment(result.retries());
        requests.increment(result.requests());
      }
      if (error != null && lost > 0) {
        failed.addAndGet(lost);
        lastFailure = String.valueOf(error.getMessage());
        LOG.log(Level.WARNING, "Braintrust batch of " + lost + " event(s) to "
            + batch.destination + " failed: " + error.getMessage());
      }
    }
    batch.done.complete(error == null ? 0L : Math.max(0, lost));
    drain();
  }

  /** Events collected for one destination, folding updates of the same id where safe. */
  private final class OpenBatch {
    final Destination destination;
    final List<BraintrustEvent> events = new ArrayList<>();
    int[] weights = new int[16];
    final Map<String, Integer> indexById = new HashMap<>();

    OpenBatch(Destination destination) {
      this.destination = destination;
    }

    int count() {
      return events.size();
    }

    void append(BraintrustEvent event) {
      int i = events.size();
      if (i == weights.length) {
        weights = java.util.Arrays.copyOf(weights, i * 2);
      }
      indexById.put(event.id(), i);
      events.add(event);
      weights[i] = 1;
    }

    /** Folds an update into an earlier row of the same id when the result is what the server would store. */
    boolean foldInto(BraintrustEvent event) {
      Integer at = indexById.get(event.id());
      if (at == null) {
        return false;
      }
      BraintrustEvent folded = EventMerge.fold(events.get(at), event);
      if (folded == null) {
        return false;
      }
      events.set(at, folded);
      // The folded-away update is delivered with the row it joined, so it still counts.
      weights[at]++;
      return true;
    }
  }

  /** Request-sized chunk of encoded rows and how many events it carries. */
  private record EncodedChunk(EncodedBatch batch, int weight) {}

  /** Encodes a sealed batch into chunks of at most {@code maxBatchBytes}, on the encode scheduler. */
  private final class Chunker {
    final PendingBatch batch;
    int next;
    // Written on the encode thread or on transport threads, read on the drain worker after the
    // call completes: the completion signal orders them.
    volatile long delivered;
    volatile long dropped;

    Chunker(PendingBatch batch) {
      this.batch = batch;
    }

    @Nullable EncodedChunk next() {
      List<BraintrustEvent> events = batch.events;
      if (next >= events.size()) {
        return null;
      }
      RowBuffer buffer = new RowBuffer((int) Math.min(maxBatchBytes, lastBatchBytes + lastBatchBytes / 8 + 1024));
      int[] starts = new int[Math.min(events.size() - next, 64)];
      int[] lengths = new int[starts.length];
      int rows = 0;
      long rowBytes = 0;
      int weight = 0;
      while (next < events.size()) {
        BraintrustEvent event = events.get(next);
        int start = buffer.length();
        List<String> errors;
        try {
          errors = encoder.encodeTo(event, buffer);
        } catch (RuntimeException e) {
          // The encoder isolates bad values itself; this is the last guard so nothing vanishes uncounted.
          buffer.truncate(start);
          dropped += batch.weights[next];
          drop(DropReason.INVALID, batch.weights[next], "event " + event.id() + " could not be encoded: " + e);
          next++;
          continue;
        }
        int length = buffer.length() - start;
        if (EncodedBatch.bodyBytesFor(length, 1) > maxBatchBytes) {
          buffer.truncate(start);
          dropped += batch.weights[next];
          drop(DropReason.OVERSIZED, batch.weights[next], "event " + event.id() + " is " + length
              + " bytes of JSON, over the request limit of " + maxBatchBytes + " bytes; not sent");
          next++;
          continue;
        }
        if (rows > 0 && EncodedBatch.bodyBytesFor(rowBytes + length, rows + 1) > maxBatchBytes) {
          // This row starts the next chunk; it is encoded again then.
          buffer.truncate(start);
          break;
        }
        if (!errors.isEmpty()) {
          serializationErrors.incrementAndGet();
          LOG.log(Level.WARNING, "Braintrust event {0}: {1}", event.id(), errors);
        }
        if (rows == starts.length) {
          starts = java.util.Arrays.copyOf(starts, rows * 2);
          lengths = java.util.Arrays.copyOf(lengths, rows * 2);
        }
        starts[rows] = start;
        lengths[rows] = length;
        rows++;
        rowBytes += length;
        weight += batch.weights[next];
        next++;
      }
      if (rows == 0) {
        return next();
      }
      lastBatchBytes = buffer.length();
      return new EncodedChunk(EncodedBatch.wrap(buffer.array(), starts, lengths, rows), weight);
    }
  }

  /** A sealed batch waiting for, or in, its requests. */
  private static final class PendingBatch {
    final Destination destination;
    final List<BraintrustEvent> events;
    final int[] weights;
    final long totalWeight;
    final CompletableFuture<Long> done = new CompletableFuture<>();
    boolean finished;

    PendingBatch(Destination destination, List<BraintrustEvent> events, int[] weights) {
      this.destination = destination;
      this.events = events;
      this.weights = weights;
      long w = 0;
      for (int i = 0; i < events.size(); i++) {
        w += weights[i];
      }
      this.totalWeight = w;
    }
  }

  /** Marks a point in the queue; completes with the failed-event count of batches before it. */
  private static final class FlushMarker {
    final CompletableFuture<Long> done = new CompletableFuture<>();

    void await(List<PendingBatch> before) {
      if (before.isEmpty()) {
        done.complete(0L);
        return;
      }
      CompletableFuture<?>[] all = new CompletableFuture<?>[before.size()];
      for (int i = 0; i < all.length; i++) {
        all[i] = before.get(i).done;
      }
      CompletableFuture.allOf(all)
          .thenRun(
              () -> {
                long n = 0;
                for (PendingBatch p : before) {
                  n += p.done.join();
                }
                done.complete(n);
              });
    }
  }

  /** Configures a {@link BraintrustExporter}. */
  public static final class Builder {
    private final Transport transport;
    private int capacity = DEFAULT_CAPACITY;
    private int maxBatchEvents = DEFAULT_MAX_BATCH_EVENTS;
    private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
    private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    private OverflowPolicy policy = OverflowPolicy.dropNewest();
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private @Nullable Scheduler scheduler;
    private @Nullable Scheduler encodeScheduler;
    private @Nullable MeterRegistry registry;
    private @Nullable EventEncoder encoder;
    private boolean shutdownHook;

    private Builder(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** Most events buffered before the overflow policy applies (default 10,000). */
    public Builder capacity(int capacity) {
      this.capacity = positive(capacity, "capacity");
      return this;
    }

    /** Most events in one batch (default 1,000). */
    public Builder maxBatchEvents(int n) {
      this.maxBatchEvents = positive(n, "maxBatchEvents");
      return this;
    }

    /**
     * Most uncompressed bytes in one request body (default 5 MiB). An event whose JSON alone is
     * larger is dropped with reason {@code oversized}.
     */
    public Builder maxBatchBytes(long bytes) {
      if (bytes < 64) {
        throw new IllegalArgumentException("maxBatchBytes must be at least 64, got " + bytes);
      }
      this.maxBatchBytes = bytes;
      return this;
    }

    /** How long a partial batch may wait before it is sent (default 1 s). */
    public Builder flushInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("flushInterval must be positive, got " + interval);
      }
      this.flushInterval = interval;
      return this;
    }

    /** Most insert requests in flight at once (default 4). */
    public Builder maxConcurrentRequests(int n) {
      this.maxConcurrentRequests = positive(n, "maxConcurrentRequests");
      return this;
    }

    /** What to do when the buffer is full (default {@link OverflowPolicy#dropNewest()}). */
    public Builder overflowPolicy(OverflowPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** How long {@link #close()} waits for delivery (default 10 s). */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The scheduler for the drain worker and the flush timer; a virtual one in tests. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Where batches are written to JSON (default: a private daemon pool of up to 4 threads, or the
     * {@link #scheduler} when one is given).
     */
    public Builder encodeScheduler(Scheduler scheduler) {
      this.encodeScheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Where to register meters (default: a private {@code SimpleMeterRegistry}). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The encoder for rows, e.g. one built on an application's {@code ObjectMapper}. */
    public Builder encoder(EventEncoder encoder) {
      this.encoder = Objects.requireNonNull(encoder, "encoder");
      return this;
    }

    /** Whether to close (and so flush) on JVM shutdown (default false). */
    public Builder registerShutdownHook(boolean register) {
      this.shutdownHook = register;
      return this;
    }

    /** The exporter, started. */
    public BraintrustExporter build() {
      return new BraintrustExporter(this);
    }

    private static int positive(int n, String what) {
      if (n <= 0) {
        throw new IllegalArgumentException(what + " must be positive, got " + n);
      }
      return n;
    }
  }
}

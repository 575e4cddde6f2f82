package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.Destination;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The drain worker: groups queued events per destination into batches closed by count, by size or
 * by the flush interval, folds updates of the same row, and keeps at most {@code maxInFlight}
 * batches in requests. It takes rows from a {@link Source} (the admission queue, or the spool feed)
 * and tells it when each batch is settled.
 *
 * <p>Threads: the worker owns every batch from sealing to settlement, and the open batches, the
 * ready queue, the in-flight count and the {@link SendController}. Other threads only hand it work:
 * producers and the flush timer signal it ({@link #wake}, {@link #requestSeal}), flush callers add
 * a marker, an insert's answer (on a Netty or encode thread) and a row dropped while encoding are
 * scheduled onto it, and so is the shutdown deadline ({@link #stopAtDeadline}). Every worker task
 * runs through a {@link WorkerLane}, which records its thread, and the methods that touch batch
 * state assert it (assertions are on in the test builds), so the statement above is checked, not
 * hoped.
 */
final class Batcher {
  private final Source source;
  private final Transport transport;
  private final BatchEncoder encoder;
  private final ExporterMetrics metrics;
  private final WorkerLane lane;
  private final Scheduler encodeScheduler;
  private final int maxBatchEvents;
  // A batch is also sealed once its rows hold this many bytes (of the budget, or of JSON).
  private final long sealBytes;
  private final int maxInFlight;
  private final long maxAgeNanos;
  // The worker's scheduler, whose clock is virtual in tests.
  private final Scheduler clock;
  // While throttled, a batch is sent once full or once its first event has waited this long: a
  // few seconds of latency buys requests that carry up to maxBatchEvents rows.
  static final long THROTTLED_LINGER = Duration.ofSeconds(5).toNanos();
  private final SendController control;

  private final AtomicInteger wip = new AtomicInteger();
  private volatile boolean backpressured;
  private volatile boolean sealRequested;
  // Set by either stop: nothing more is sent.
  private volatile boolean stopped;
  // How many events the stop left undelivered, once it settled everything; -1 before.
  private volatile long undeliveredAtStop = -1;
  // Read by producers (a full buffer while throttled is `rate_limited`) and by the age gauge.
  private volatile boolean throttled;
  private volatile long oldestWaiting = Long.MAX_VALUE;

  // Confined to the worker.
  private final Map<Destination, OpenBatch> open = new LinkedHashMap<>();
  private final ArrayDeque<PendingBatch> ready = new ArrayDeque<>();
  private int inFlight;
  private long wakeScheduledFor;
  private final Set<PendingBatch> outstanding = new LinkedHashSet<>();
  // Added by flush callers, answered by the worker or a stop.
  private final Set<FlushMarker> markers = ConcurrentHashMap.newKeySet();

  Batcher(
      Source source,
      Transport transport,
      BatchEncoder encoder,
      ExporterMetrics metrics,
      Scheduler clock,
      Scheduler.Worker worker,
      Scheduler encodeScheduler,
      int maxBatchEvents,
      long sealBytes,
      int maxInFlight,
      Duration maxAge,
      DoubleSupplier random) {
    this.source = source;
    this.sealBytes = sealBytes;
    this.transport = transport;
    this.encoder = encoder;
    this.metrics = metrics;
    this.lane = new WorkerLane(worker);
    this.encodeScheduler = encodeScheduler;
    this.maxBatchEvents = maxBatchEvents;
    this.maxInFlight = maxInFlight;
    this.maxAgeNanos = maxAge.toNanos();
    this.clock = clock;
    this.control = new SendController(maxInFlight, random, now(), transport.maxRetryAfter());
    metrics.sendGauges(control::window, control::throttledSeconds, this::oldestWaitingSeconds);
  }

  private long now() {
    return clock.now(TimeUnit.NANOSECONDS);
  }

  /**
   * Whether the server is holding this exporter back: a full buffer then counts as rate-limited.
   */
  boolean isThrottled() {
    return throttled;
  }

  private double oldestWaitingSeconds() {
    long oldest = oldestWaiting;
    return oldest == Long.MAX_VALUE ? 0 : Math.max(0, now() - oldest) / 1e9;
  }

  /** Called by producers once a batch's worth is queued; cheap when the worker is busy anyway. */
  void wake() {
    if (!backpressured && wip.get() == 0) {
      drain();
    }
  }

  /** Called by the flush timer: seal what is open. */
  void requestSeal() {
    sealRequested = true;
    drain();
  }

  /** A marker behind everything queued so far; its future completes when all of it is settled. */
  FlushMarker flush() {
    FlushMarker marker = new FlushMarker();
    markers.add(marker);
    marker.done.whenComplete((n, e) -> markers.remove(marker));
    if (stopped) {
      // Added before the stop's outcome is known, the marker is answered by the stop itself;
      // after, it gets the outcome here.
      long undelivered = undeliveredAtStop;
      if (undelivered >= 0) {
        marker.abandon(undelivered);
      }
      return marker;
    }
    source.mark(marker);
    drain();
    return marker;
  }

  void drain() {
    if (wip.getAndIncrement() == 0 && !stopped) {
      try {
        lane.schedule(this::drainLoop);
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
        ExporterMetrics.LOG.error("Braintrust exporter drain failed; continuing", t);
        if (Exceptions.isJvmFatal(t)) {
          wip.set(0); // logged, then rethrown as OTel does; a later signal drains again
          throw t;
        }
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void drainOnce() {
    while (ready.size() < maxInFlight && !stopped) {
      QueueItem item = source.poll();
      if (item == null) {
        break;
      }
      if (item instanceof FlushMarker marker) {
        sealAll();
        marker.await(new ArrayList<>(outstanding));
      } else {
        add((QueueItem.Entry) item);
      }
    }
    long now = now();
    boolean held = control.isThrottled(now);
    if (held) {
      // While the server pushes back, open batches grow until the controller lets the next request
      // go (or they reach maxBatchEvents): each request then carries everything gathered since the
      // last one, so the same events need fewer requests.
      sealRequested = false;
      if (ready.isEmpty() && control.maySend(inFlight, now)) {
        sealOlderThan(now - THROTTLED_LINGER);
      }
    } else if (sealRequested || (!open.isEmpty() && source.isFull())) {
      // Full, the buffer's room is in open batches: sealed now, their rows go out and settle.
      sealRequested = false;
      sealAll();
    }
    while (!ready.isEmpty() && !stopped && control.maySend(inFlight, now)) {
      PendingBatch next = ready.poll();
      if (now - next.sealedAt > maxAgeNanos) {
        expire(next);
      } else {
        send(next);
      }
    }
    throttled = control.isThrottled(now);
    if (!stopped) {
      if (!ready.isEmpty()) {
        wakeAt(control.nextSendAt(now), now);
      } else if (held && !open.isEmpty()) {
        long ripe = oldestOpen() + THROTTLED_LINGER;
        long at = control.nextSendAt(now);
        wakeAt(ripe - at > 0 ? ripe : at, now);
      }
    }
    PendingBatch head = ready.peek();
    oldestWaiting = head == null ? Long.MAX_VALUE : head.sealedAt;
    backpressured = ready.size() >= maxInFlight;
  }

  /** Runs the drain again when sending may resume, once per such instant. */
  private void wakeAt(long at, long now) {
    if (at - now <= 0 || at == wakeScheduledFor) {
      return;
    }
    wakeScheduledFor = at;
    lane.post(this::drain, at - now);
  }

  /** Gives up on a batch that waited longer than maxEventAge: dropped as {@code max_age}. */
  private void expire(PendingBatch batch) {
    assert lane.isCurrent() : "a batch expired off the drain worker";
    outstanding.remove(batch);
    if (!batch.settle()) {
      return;
    }
    long lost = batch.unresolved();
    metrics.settleBatch(batch.delivered, batch.rejected, null, null, System.nanoTime());
    metrics.droppedAfterAccept(
        DropReason.MAX_AGE,
        lost,
        "the server did not take it within maxEventAge of " + Duration.ofNanos(maxAgeNanos));
    // Released (and acknowledged on disk) before anyone waiting on the batch hears of it.
    source.settled(batch);
    batch.finish(lost + batch.rejected);
  }

  private void add(QueueItem.Entry entry) {
    OpenBatch batch = open.get(entry.destination());
    if (batch == null) {
      batch = new OpenBatch(entry.destination(), now());
      open.put(entry.destination(), batch);
    }
    batch.add(entry);
    if (batch.count() >= maxBatchEvents || batch.bytes >= sealBytes) {
      seal(batch);
    }
  }

  private void sealOlderThan(long openedBefore) {
    for (OpenBatch b : new ArrayList<>(open.values())) {
      if (b.openedAt - openedBefore <= 0) {
        seal(b);
      }
    }
  }

  private long oldestOpen() {
    long oldest = Long.MAX_VALUE;
    for (OpenBatch b : open.values()) {
      oldest = oldest == Long.MAX_VALUE || b.openedAt - oldest < 0 ? b.openedAt : oldest;
    }
    return oldest;
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
    PendingBatch p = new PendingBatch(batch.destination, batch.entries, batch.weights, now());
    ready.add(p);
    outstanding.add(p);
  }

  /**
   * Encodes the batch off the worker, one request-sized chunk at a time, and sends each chunk
   * before encoding the next: encoding uses every core, and a batch in flight holds at most about
   * one request of bytes.
   */
  private void send(PendingBatch batch) {
    inFlight++;
    batch.sending = true;
    long seq = control.nextSend(now());
    long start = System.nanoTime();
    BatchEncoder.Cursor cursor = encoder.cursor(batch, lane::post);
    Mono<InsertResult> call =
        Flux.<BatchEncoder.Chunk>generate(
                sink -> {
                  BatchEncoder.Chunk c = cursor.next();
                  if (c == null) {
                    sink.complete();
                  } else {
                    sink.next(c);
                  }
                })
            .subscribeOn(encodeScheduler)
            .concatMap(
                c ->
                    insert(batch.destination, c.batch())
                        .doOnNext(r -> lane.post(() -> account(batch, c, r))),
                1)
            .reduce(InsertResult::plus);
    // A result is followed by completion: only the first terminal signal ends the send, or the
    // request would count as finished twice and the in-flight limit would stop holding.
    AtomicBoolean ended = new AtomicBoolean();
    batch.request =
        call.subscribe(
            result -> {
              if (ended.compareAndSet(false, true)) {
                lane.post(() -> done(batch, result, null, start, seq));
              }
            },
            error -> {
              if (ended.compareAndSet(false, true)) {
                lane.post(() -> done(batch, null, error, start, seq));
              }
            },
            () -> {
              if (ended.compareAndSet(false, true)) {
                lane.post(() -> done(batch, null, null, start, seq));
              }
            });
  }

  /**
   * One chunk's answer, on the worker: scheduled before the send's terminal signal, so it is
   * counted before {@link #done}; after a stop settled the batch, the stop has counted it already.
   */
  private void account(PendingBatch batch, BatchEncoder.Chunk chunk, InsertResult result) {
    assert lane.isCurrent() : "an answer accounted off the drain worker";
    if (batch.isSettled()) {
      return;
    }
    long refused = chunk.weightOf(result.rejected());
    batch.rejected += refused;
    batch.delivered += chunk.weight() - refused;
    batch.ackedUpTo = chunk.to();
    for (InsertResult.Rejected r : result.rejected()) {
      metrics.rejectedRow(r.reason());
    }
  }

  private Mono<InsertResult> insert(Destination destination, EncodedBatch chunk) {
    try {
      return transport
          .insertOnce(destination, chunk)
          .switchIfEmpty(
              Mono.fromSupplier(
                  () -> InsertResult.of(chunk.size(), chunk.bodyBytes(), chunk.bodyBytes(), 1, 0)));
    } catch (Throwable t) {
      return Mono.error(t);
    }
  }

  private void done(
      PendingBatch batch,
      @Nullable InsertResult result,
      @Nullable Throwable error,
      long start,
      long seq) {
    assert lane.isCurrent() : "a send ended off the drain worker";
    inFlight--;
    RetryHint hint = error == null ? null : SendController.retryHint(error);
    if (hint != null && !stopped && !batch.isSettled()) {
      retryLater(batch, hint, seq);
      return;
    }
    if (error == null) {
      control.onSuccess(!ready.isEmpty());
    }
    outstanding.remove(batch);
    if (!batch.settle()) {
      return;
    }
    long lost = error == null ? batch.rejected : batch.rejected + batch.unresolved();
    String failure = error == null ? null : String.valueOf(error.getMessage());
    if (metrics.settleBatch(batch.delivered, lost, result, failure, start)
        && error != null
        && lost > 0) {
      metrics.batchFailed(lost - batch.rejected, batch.destination, String.valueOf(failure));
    }
    source.settled(batch);
    batch.finish(lost);
    drain();
  }

  /**
   * The server throttled or failed the batch in a way worth retrying: it goes back to the front of
   * the queue (order kept, acknowledged chunks not resent) and sending pauses for everyone.
   */
  private void retryLater(PendingBatch batch, RetryHint hint, long seq) {
    batch.sending = false;
    batch.request = null;
    long now = now();
    long pause = control.onThrottle(seq, hint.retryAfter(), now);
    throttled = true;
    metrics.throttled(hint, control.window(), pause);
    ready.addFirst(batch);
    drain();
  }

  /**
   * At a shutdown deadline (called on the timer): on the worker, stops sending, settles every batch
   * still outstanding (cancelling requests in flight), counts what was abandoned and answers every
   * flush still waiting. Completes with how many events were abandoned; runs here when the worker
   * is already gone.
   */
  CompletableFuture<Long> stopAtDeadline() {
    stopped = true;
    CompletableFuture<Long> result = new CompletableFuture<>();
    Runnable task =
        () -> {
          try {
            result.complete(settleAtDeadline());
          } catch (Throwable t) {
            result.completeExceptionally(t);
            throw t;
          }
        };
    lane.postOrRun(task);
    return result;
  }

  private long settleAtDeadline() {
    assert lane.isCurrent() : "a deadline settled batches off the drain worker";
    long inFlightEvents = 0;
    List<PendingBatch> abandoned = new ArrayList<>();
    for (PendingBatch p : outstanding) {
      if (p.settle()) {
        abandoned.add(p);
        if (p.sending) {
          inFlightEvents += p.unresolved();
        }
      }
    }
    outstanding.clear();
    long delivered = 0;
    long refused = 0;
    for (PendingBatch p : abandoned) {
      delivered += p.delivered;
      refused += p.rejected;
    }
    long total = metrics.settleAtDeadline(delivered, refused, inFlightEvents);
    for (PendingBatch p : abandoned) {
      p.finish(p.unresolved() + p.rejected);
      source.abandoned(p);
    }
    recordStop(total);
    for (FlushMarker m : markers) {
      m.abandon(total);
    }
    return total;
  }

  /**
   * After a clean drain that left {@code undelivered} events failed: nothing more is sent, and
   * every waiting flush is answered. No batch is outstanding, so the caller's thread will do.
   */
  void stopAfterDrain(long undelivered) {
    stopped = true;
    metrics.settle();
    recordStop(undelivered);
    for (FlushMarker m : markers) {
      m.abandon(metrics.pending());
    }
  }

  /** Records the stop's outcome, for flushes that arrive after it. */
  private void recordStop(long undelivered) {
    undeliveredAtStop = undelivered;
  }
}

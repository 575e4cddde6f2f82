package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.Destination;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Threads: open batches, the ready queue, the in-flight count and the {@link SendController} are
 * the worker's alone. {@link #wake} and {@link #requestSeal} only signal it; {@link #abandon} runs
 * on the shutdown timer. Not yet confined: {@code account} runs on the answer's thread (Netty or
 * encode) and writes a {@link PendingBatch}'s volatile progress; its settle CAS picks one counter.
 */
final class Batcher {
  private final Source source;
  private final Transport transport;
  private final BatchEncoder encoder;
  private final ExporterMetrics metrics;
  private final Scheduler.Worker worker;
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
  private volatile boolean terminated;
  // Set once termination has settled everything: how many events it left undelivered.
  private volatile long undeliveredAtEnd;
  private volatile boolean ended;
  // Read by producers (a full buffer while throttled is `rate_limited`) and by the age gauge.
  private volatile boolean throttled;
  private volatile long oldestWaiting = Long.MAX_VALUE;

  // Confined to the worker.
  private final Map<Destination, OpenBatch> open = new LinkedHashMap<>();
  private final ArrayDeque<PendingBatch> ready = new ArrayDeque<>();
  private int inFlight;
  private long wakeScheduledFor;
  // Read by the shutdown deadline from another thread.
  private final Set<PendingBatch> outstanding = ConcurrentHashMap.newKeySet();
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
    this.worker = worker;
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
    if (terminated) {
      // Added before `ended` is set, the marker is answered by the termination itself; after, it
      // gets the termination's outcome here.
      if (ended) {
        marker.abandon(undeliveredAtEnd);
      }
      return marker;
    }
    source.mark(marker);
    drain();
    return marker;
  }

  void drain() {
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
    while (ready.size() < maxInFlight && !terminated) {
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
    while (!ready.isEmpty() && !terminated && control.maySend(inFlight, now)) {
      PendingBatch next = ready.poll();
      if (now - next.sealedAt > maxAgeNanos) {
        expire(next);
      } else {
        send(next);
      }
    }
    throttled = control.isThrottled(now);
    if (!terminated) {
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
    try {
      worker.schedule(this::drain, at - now, TimeUnit.NANOSECONDS);
    } catch (RuntimeException rejected) {
      // Terminated meanwhile.
    }
  }

  /** Gives up on a batch that waited longer than maxEventAge: dropped as {@code max_age}. */
  private void expire(PendingBatch batch) {
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
    BatchEncoder.Cursor cursor = encoder.cursor(batch);
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
                c -> insert(batch.destination, c.batch()).doOnNext(r -> account(batch, c, r)), 1)
            .reduce(InsertResult::plus);
    // A result is followed by completion: only the first terminal signal ends the send, or the
    // request would count as finished twice and the in-flight limit would stop holding.
    AtomicBoolean ended = new AtomicBoolean();
    batch.request =
        call.subscribe(
            result -> {
              if (ended.compareAndSet(false, true)) {
                schedule(() -> done(batch, result, null, start, seq));
              }
            },
            error -> {
              if (ended.compareAndSet(false, true)) {
                schedule(() -> done(batch, null, error, start, seq));
              }
            },
            () -> {
              if (ended.compareAndSet(false, true)) {
                schedule(() -> done(batch, null, null, start, seq));
              }
            });
  }

  private void account(PendingBatch batch, BatchEncoder.Chunk chunk, InsertResult result) {
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

  private void schedule(Runnable task) {
    try {
      worker.schedule(task);
    } catch (RuntimeException rejected) {
      // The worker is gone after termination, which settled every batch already.
    }
  }

  private void done(
      PendingBatch batch,
      @Nullable InsertResult result,
      @Nullable Throwable error,
      long start,
      long seq) {
    inFlight--;
    RetryHint hint = error == null ? null : retryHint(error);
    if (hint != null && !terminated && !batch.isSettled()) {
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
   * How to retry a failed send, or null when the failure is final. A transport says so with a
   * {@link RetryHint}; a bare {@link java.io.IOException} or timeout from one that doesn't (after
   * its own retries, say) means no answer came, not a refusal: the rows may even be stored, and
   * sending them again with the same ids is safe, so they are retried until maxEventAge, never
   * counted failed.
   */
  private static @Nullable RetryHint retryHint(Throwable error) {
    if (error instanceof RetryHint hint) {
      return hint.isRetryable() ? hint : null;
    }
    int depth = 0;
    for (Throwable t = error; t != null && depth < 10; t = t.getCause(), depth++) {
      if (t instanceof RetryHint hint) {
        return hint.isRetryable() ? hint : null;
      }
      if (t instanceof java.io.IOException || t instanceof java.util.concurrent.TimeoutException) {
        return NO_ANSWER;
      }
    }
    return null;
  }

  private static final RetryHint NO_ANSWER = () -> true;

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
   * At a shutdown deadline, from the timer thread: stops the worker from sending more, settles
   * every batch still outstanding (cancelling requests in flight), counts what was abandoned and
   * completes every flush still waiting. Returns how many events were abandoned.
   */
  long abandon() {
    terminated = true;
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
    end(total);
    for (FlushMarker m : markers) {
      m.abandon(total);
    }
    return total;
  }

  /**
   * After a clean drain that left {@code undelivered} events failed: nothing more is sent, and
   * every waiting flush is answered.
   */
  void stop(long undelivered) {
    terminated = true;
    metrics.settle();
    end(undelivered);
    for (FlushMarker m : markers) {
      m.abandon(metrics.pending());
    }
  }

  /** Records the termination's outcome, for flushes that arrive after it. */
  private void end(long undelivered) {
    undeliveredAtEnd = undelivered;
    ended = true;
  }
}

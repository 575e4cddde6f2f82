package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The drain worker: groups queued events per destination into batches closed by count or by the
 * flush interval, folds updates of the same row, and keeps at most {@code maxInFlight} batches in
 * requests. Everything but {@link #wake}, {@link #requestSeal} and {@link #abandon} runs on the
 * worker, so the open batches and the ready queue need no locks.
 */
final class Batcher {
  private final Admission admission;
  private final Transport transport;
  private final BatchEncoder encoder;
  private final ExporterMetrics metrics;
  private final Scheduler.Worker worker;
  private final Scheduler encodeScheduler;
  private final int maxBatchEvents;
  private final int maxInFlight;

  private final AtomicInteger wip = new AtomicInteger();
  private volatile boolean backpressured;
  private volatile boolean sealRequested;
  private volatile boolean terminated;

  // Confined to the worker.
  private final Map<Destination, OpenBatch> open = new LinkedHashMap<>();
  private final ArrayDeque<PendingBatch> ready = new ArrayDeque<>();
  private int inFlight;
  // Read by the shutdown deadline from another thread.
  private final Set<PendingBatch> outstanding = ConcurrentHashMap.newKeySet();
  private final Set<FlushMarker> markers = ConcurrentHashMap.newKeySet();

  Batcher(Admission admission, Transport transport, BatchEncoder encoder, ExporterMetrics metrics,
      Scheduler.Worker worker, Scheduler encodeScheduler, int maxBatchEvents, int maxInFlight) {
    this.admission = admission;
    this.transport = transport;
    this.encoder = encoder;
    this.metrics = metrics;
    this.worker = worker;
    this.encodeScheduler = encodeScheduler;
    this.maxBatchEvents = maxBatchEvents;
    this.maxInFlight = maxInFlight;
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
      marker.abandon(0);
      return marker;
    }
    admission.mark(marker);
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
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void drainOnce() {
    while (ready.size() < maxInFlight && !terminated) {
      QueueItem item = admission.poll();
      if (item == null) {
        break;
      }
      if (item instanceof FlushMarker marker) {
        sealAll();
        marker.await(new ArrayList<>(outstanding));
      } else {
        add(((QueueItem.Event) item).event());
      }
    }
    if (sealRequested) {
      sealRequested = false;
      sealAll();
    }
    while (inFlight < maxInFlight && !ready.isEmpty() && !terminated) {
      send(ready.poll());
    }
    backpressured = ready.size() >= maxInFlight;
  }

  private void add(BraintrustEvent event) {
    OpenBatch batch = open.computeIfAbsent(event.destination(), OpenBatch::new);
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
   * Encodes the batch off the worker, one request-sized chunk at a time, and sends each chunk
   * before encoding the next: encoding uses every core, and a batch in flight holds at most about
   * one request of bytes.
   */
  private void send(PendingBatch batch) {
    inFlight++;
    batch.sending = true;
    long start = System.nanoTime();
    BatchEncoder.Cursor cursor = encoder.cursor(batch);
    Mono<InsertResult> call =
        Flux.<BatchEncoder.Chunk>generate(sink -> {
              BatchEncoder.Chunk c = cursor.next();
              if (c == null) {
                sink.complete();
              } else {
                sink.next(c);
              }
            })
            .subscribeOn(encodeScheduler)
            .concatMap(c -> insert(batch.destination, c.batch()).doOnNext(r -> account(batch, c, r)), 1)
            .reduce(InsertResult::plus);
    batch.request = call.subscribe(
        result -> schedule(() -> done(batch, result, null, start)),
        error -> schedule(() -> done(batch, null, error, start)),
        () -> schedule(() -> done(batch, null, null, start)));
  }

  private void account(PendingBatch batch, BatchEncoder.Chunk chunk, InsertResult result) {
    long refused = chunk.weightOf(result.rejected());
    batch.rejected += refused;
    batch.delivered += chunk.weight() - refused;
    for (InsertResult.Rejected r : result.rejected()) {
      metrics.rejectedRow(r.reason());
    }
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
      // The worker is gone after termination, which settled every batch already.
    }
  }

  private void done(PendingBatch batch, @Nullable InsertResult result, @Nullable Throwable error, long start) {
    inFlight--;
    outstanding.remove(batch);
    if (!batch.settle()) {
      return;
    }
    long lost = error == null ? batch.rejected : batch.rejected + batch.unresolved();
    String failure = error == null ? null : String.valueOf(error.getMessage());
    if (metrics.settleBatch(batch.delivered, lost, result, failure, start) && error != null && lost > 0) {
      ExporterMetrics.LOG.warn("Braintrust batch of {} event(s) to {} failed: {}",
          lost - batch.rejected, batch.destination, failure);
    }
    batch.finish(lost);
    drain();
  }

  /**
   * At a shutdown deadline, from the timer thread: stops the worker from sending more, settles every
   * batch still outstanding (cancelling requests in flight), counts what was abandoned and completes
   * every flush still waiting. Returns how many events were abandoned.
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
    }
    for (FlushMarker m : markers) {
      m.abandon(total);
    }
    return total;
  }

  /** After a clean drain: nothing more is sent, and every waiting flush is answered. */
  void stop() {
    terminated = true;
    metrics.settle();
    for (FlushMarker m : markers) {
      m.abandon(metrics.pending());
    }
  }

  boolean isTerminated() {
    return terminated;
  }

  /** Events collected for one destination, folding updates of the same id where safe. */
  private static final class OpenBatch {
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
        weights = Arrays.copyOf(weights, i * 2);
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
}

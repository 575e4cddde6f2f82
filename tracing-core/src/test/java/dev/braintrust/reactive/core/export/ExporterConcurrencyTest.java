package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Many producers against a small drop-oldest buffer while flushes and a close run concurrently. */
class ExporterConcurrencyTest {
  static final Destination DEST = Destination.projectLogs("p");

  @Test
  void theAccountingIdentityHoldsUnderContendedProducersFlushesAndClose() throws Exception {
    // A transport that answers on another thread after a short hop, so batches really overlap.
    Transport async =
        (d, b) ->
            Mono.just(InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0))
                .publishOn(Schedulers.parallel());
    BraintrustExporter ex =
        BraintrustExporter.builder(async)
            .capacity(500)
            .maxBatchEvents(50)
            .overflowPolicy(OverflowPolicy.dropOldest())
            .shutdownTimeout(Duration.ofSeconds(20))
            .build();
    int threads = 6;
    int perThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<?>> work = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      work.add(
          CompletableFuture.runAsync(
              () -> {
                await(go);
                for (int i = 0; i < perThread; i++) {
                  ex.accept(BraintrustEvent.builder(DEST, "t" + thread + "-" + i).input(i).build());
                }
              },
              pool));
    }
    List<CompletableFuture<Void>> flushes = new ArrayList<>();
    work.add(
        CompletableFuture.runAsync(
            () -> {
              await(go);
              for (int i = 0; i < 20; i++) {
                flushes.add(ex.flush().toFuture());
              }
            },
            pool));
    go.countDown();
    CompletableFuture.allOf(work.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    ex.close();
    pool.shutdown();

    // Every flush ends, one way or the other, once close has returned.
    for (CompletableFuture<Void> f : flushes) {
      assertThat(f).isDone();
    }
    ExporterStats s = ex.stats();
    assertThat(s.submitted()).isEqualTo((long) threads * perThread);
    assertThat(s.pending()).isZero();
    assertThat(s.delivered() + s.failed() + s.droppedTotal()).isEqualTo(s.submitted());
    assertThat(s.failed()).isZero();
    assertThat(s.delivered()).isPositive();
    // Every dropped event is either evicted or refused while full: never silently gone.
    assertThat(s.dropped(DropReason.EVICTED) + s.dropped(DropReason.QUEUE_FULL))
        .isEqualTo(s.droppedTotal());
  }

  private static void await(CountDownLatch go) {
    try {
      go.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void requestsInFlightNeverExceedMaxConcurrentRequestsAndTheBufferStaysBounded() throws Exception {
    java.util.concurrent.atomic.AtomicInteger inFlight =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger();
    Transport slow =
        (d, b) ->
            Mono.defer(
                () -> {
                  most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                  return Mono.delay(Duration.ofMillis(2))
                      .map(x -> InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0))
                      // Counted down before the answer reaches the exporter, so the next send can't
                      // overlap.
                      .doOnSuccess(r -> inFlight.decrementAndGet());
                });
    BraintrustExporter ex =
        BraintrustExporter.builder(slow)
            .capacity(1_000)
            .maxBatchEvents(50)
            .maxConcurrentRequests(3)
            .build();
    long mostPending = 0;
    for (int i = 0; i < 200_000; i++) {
      ex.accept(BraintrustEvent.builder(DEST, "b" + i).build());
      if (i % 1_000 == 0) {
        mostPending = Math.max(mostPending, ex.stats().pending());
      }
    }
    ex.close();
    assertThat(most.get()).isLessThanOrEqualTo(3);
    // The queue, the batches being filled and those in requests: never the whole stream.
    assertThat(mostPending).isLessThanOrEqualTo(1_000 + 2 * 3 * 50);
    ExporterStats s = ex.stats();
    assertThat(s.delivered() + s.failed() + s.droppedTotal()).isEqualTo(s.submitted());
  }
}

package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Flush, close and shutdown finish by their deadline whatever the transport does. */
class ExporterShutdownTest {
  static final Destination DEST = Destination.projectLogs("p");
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  final Transport silent = (d, b) -> Mono.never();

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  static BraintrustEvent event(int i) {
    return BraintrustEvent.builder(DEST, "e" + i).input("payload-" + i).build();
  }

  BraintrustExporterBuilder exporter(Transport t) {
    return BraintrustExporter.builder(t)
        .scheduler(vts)
        .flushInterval(Duration.ofSeconds(5))
        // Jitter pinned to its top, so ticks fall exactly on the interval.
        .random(() -> 1.0);
  }

  @Test
  void aFlushSubscribedBeforeShutdownFailsAtTheDeadlineNamingWhatWasNotDelivered() {
    BraintrustExporter ex = exporter(silent).build();
    ex.accept(event(1));
    ex.accept(event(2));
    CompletableFuture<Void> flushed = ex.flush().toFuture();
    CompletableFuture<Void> shut = ex.shutdown(Duration.ofSeconds(3)).toFuture();

    vts.advanceTimeBy(Duration.ofMillis(2_999));
    assertThat(flushed).isNotDone();
    assertThat(shut).isNotDone();
    vts.advanceTimeBy(Duration.ofMillis(1));

    assertThat(shut).isCompleted();
    assertThat(flushed).isCompletedExceptionally();
    assertThatThrownBy(flushed::join)
        .hasCauseInstanceOf(BraintrustExportException.class)
        .hasMessageContaining("2 event(s) were not delivered: shutdown deadline of PT3S passed");
  }

  @Test
  void aFlushSubscribedDuringShutdownAlsoEndsByTheDeadline() {
    BraintrustExporter ex = exporter(silent).build();
    ex.accept(event(1));
    CompletableFuture<Void> shut = ex.shutdown(Duration.ofSeconds(3)).toFuture();
    vts.advanceTimeBy(Duration.ofSeconds(1));
    CompletableFuture<Void> flushed = ex.flush().toFuture();

    vts.advanceTimeBy(Duration.ofSeconds(2));
    assertThat(shut).isCompleted();
    assertThat(flushed).isCompletedExceptionally();
  }

  @Test
  void aFlushAfterShutdownCompletesAtOnceWithTheShutdownsOutcome() {
    BraintrustExporter lossy = exporter(silent).build();
    lossy.accept(event(1));
    StepVerifier.create(lossy.shutdown(Duration.ofSeconds(1)))
        .then(() -> vts.advanceTimeBy(Duration.ofSeconds(1)))
        .verifyComplete();
    StepVerifier.create(lossy.flush()).verifyError(BraintrustExportException.class);

    BraintrustExporter clean =
        exporter((d, b) -> Mono.just(InsertResult.of(b.size(), 1, 1, 1, 0))).build();
    clean.accept(event(1));
    StepVerifier.create(clean.shutdown(Duration.ofSeconds(1))).verifyComplete();
    StepVerifier.create(clean.flush()).verifyComplete();
    assertThat(clean.stats().delivered()).isEqualTo(1);
  }

  @Test
  void aSecondShutdownDoesNotWaitOutAnotherTimeout() {
    BraintrustExporter ex = exporter(silent).build();
    ex.accept(event(1));
    CompletableFuture<Void> first = ex.shutdown(Duration.ofSeconds(5)).toFuture();
    vts.advanceTimeBy(Duration.ofSeconds(5));
    assertThat(first).isCompleted();

    // Already shut down: completes without any more (virtual) time passing.
    assertThat(ex.shutdown(Duration.ofSeconds(30)).toFuture()).isCompleted();
    ex.close();
    assertThat(ex.stats().dropped(DropReason.IN_FLIGHT_AT_DEADLINE)).isEqualTo(1);
  }

  @Test
  void closeOnANonBlockingThreadStartsTheShutdownInsteadOfThrowing() throws Exception {
    BraintrustExporter ex =
        BraintrustExporter.builder((d, b) -> Mono.just(InsertResult.of(b.size(), 1, 1, 1, 0)))
            .build();
    ex.accept(event(1));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Schedulers.parallel()
        .schedule(
            () -> {
              try {
                ex.close();
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    // The shutdown the non-blocking close started is the one this call joins.
    ex.shutdown(Duration.ofSeconds(10)).block(Duration.ofSeconds(10));
    assertThat(thrown.get()).isNull();
    assertThat(ex.stats().delivered()).isEqualTo(1);
  }

  @Test
  void eventsInFlightAtTheDeadlineAreCountedApartFromEventsNeverSent() {
    BraintrustExporter ex = exporter(silent).maxBatchEvents(2).maxConcurrentRequests(1).build();
    for (int i = 0; i < 5; i++) {
      ex.accept(event(i));
    }
    StepVerifier.create(ex.shutdown(Duration.ofSeconds(1)))
        .then(() -> vts.advanceTimeBy(Duration.ofSeconds(1)))
        .verifyComplete();

    ExporterStats s = ex.stats();
    assertThat(s.dropped(DropReason.IN_FLIGHT_AT_DEADLINE)).isEqualTo(2);
    assertThat(s.dropped(DropReason.SHUTDOWN_DEADLINE)).isEqualTo(3);
    assertThat(s.pending()).isZero();
    assertThat(s.delivered() + s.failed() + s.droppedTotal()).isEqualTo(s.submitted());
  }

  @Test
  void aRowTheServerRefusesFailsAloneAndTheRestOfItsBatchIsDelivered() {
    Transport refusesRow1 =
        (d, b) ->
            Mono.just(
                new InsertResult(
                    b.size() - 1,
                    1,
                    1,
                    3,
                    0,
                    List.of(new InsertResult.Rejected(1, "score 'acc' out of range"))));
    BraintrustExporter ex = exporter(refusesRow1).build();
    for (int i = 0; i < 4; i++) {
      ex.accept(event(i));
    }
    StepVerifier.create(ex.flush())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(BraintrustExportException.class)
                    .hasMessageStartingWith("1 event(s) were not delivered"))
        .verify();
    assertThat(ex.stats().delivered()).isEqualTo(3);
    assertThat(ex.stats().failed()).isEqualTo(1);
  }

  @Test
  void chunksStayWithinTheTransportsRequestLimit() {
    List<Long> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    Transport small =
        new Transport() {
          @Override
          public Mono<InsertResult> insertOnce(Destination d, EncodedBatch b) {
            bodies.add(b.bodyBytes());
            return Mono.just(InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0));
          }

          @Override
          public long maxRequestBytes() {
            return 200;
          }
        };
    BraintrustExporter ex = exporter(small).build();
    for (int i = 0; i < 10; i++) {
      ex.accept(event(i));
    }
    StepVerifier.create(ex.flush()).verifyComplete();
    assertThat(bodies)
        .hasSizeGreaterThan(1)
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(200));
    assertThat(ex.stats().delivered()).isEqualTo(10);
  }

  @Test
  void eventMetersAreFunctionCountersAsDocumented() {
    BraintrustExporter ex =
        exporter((d, b) -> Mono.just(InsertResult.of(b.size(), 1, 1, 1, 0))).build();
    ex.accept(event(1));
    StepVerifier.create(ex.flush()).verifyComplete();
    assertThat(ex.meterRegistry().get("braintrust.events.delivered").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(
            ex.meterRegistry()
                .get("braintrust.events.dropped")
                .tag("reason", "in_flight_at_deadline")
                .functionCounter()
                .count())
        .isZero();
  }

  @Test
  void closeWithARealClockFinishesByTheDeadlineAgainstASilentTransport() throws Exception {
    BraintrustExporter ex =
        BraintrustExporter.builder(silent).shutdownTimeout(Duration.ofMillis(300)).build();
    ex.accept(event(1));
    CompletableFuture<Void> closed = CompletableFuture.runAsync(ex::close);
    // Bounded by the deadline, not by a request timeout the transport never reaches.
    closed.get(10, TimeUnit.SECONDS);
    assertThat(ex.stats().dropped(DropReason.IN_FLIGHT_AT_DEADLINE)).isEqualTo(1);
  }
}

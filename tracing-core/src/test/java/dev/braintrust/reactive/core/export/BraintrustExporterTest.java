package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Buffer and batching rules with an in-memory transport and virtual time. */
class BraintrustExporterTest {
  static final Destination DEST = Destination.projectLogs("p");
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  final List<EncodedBatch> sent = new CopyOnWriteArrayList<>();
  final Transport acking =
      (d, b) -> {
        sent.add(b);
        return Mono.just(InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0));
      };

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  static BraintrustEvent event(int i) {
    return BraintrustEvent.builder(DEST, "e" + i).input("payload-" + i).build();
  }

  static List<String> ids(List<EncodedBatch> batches) {
    List<String> out = new ArrayList<>();
    for (EncodedBatch b : batches) {
      for (byte[] row : b.rows()) {
        String s = new String(row, StandardCharsets.UTF_8);
        int i = s.indexOf("\"id\":\"") + 6;
        out.add(s.substring(i, s.indexOf('"', i)));
      }
    }
    return out;
  }

  // Answers only when the test says: what it holds stays in flight, holding its buffer places.
  final List<Sinks.One<InsertResult>> held = new CopyOnWriteArrayList<>();
  final Transport holding =
      (d, b) -> {
        sent.add(b);
        Sinks.One<InsertResult> ack = Sinks.one();
        held.add(ack);
        return ack.asMono()
            .then(Mono.just(InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0)));
      };

  void answerHeld() {
    for (Sinks.One<InsertResult> ack : held) {
      ack.tryEmitValue(InsertResult.of(0, 0, 0, 1, 0));
    }
  }

  BraintrustExporterBuilder exporter(Transport t) {
    return BraintrustExporter.builder(t)
        .scheduler(vts)
        .flushInterval(Duration.ofSeconds(5))
        // Jitter pinned to its top, so ticks fall exactly on the interval.
        .random(() -> 1.0);
  }

  @Test
  void fullBatchesGoAtOnceAndTheRemainderWaitsForTheFlushInterval() {
    BraintrustExporter ex = exporter(acking).maxBatchEvents(10).build();
    for (int i = 0; i < 25; i++) {
      ex.accept(event(i));
    }
    assertThat(sent).extracting(EncodedBatch::size).containsExactly(10, 10);

    vts.advanceTimeBy(Duration.ofSeconds(4));
    assertThat(sent).hasSize(2);
    vts.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(sent).extracting(EncodedBatch::size).containsExactly(10, 10, 5);
    assertThat(ex.stats().delivered()).isEqualTo(25);
  }

  @Test
  void batchesCloseBeforeExceedingTheByteLimit() {
    long limit = 400;
    BraintrustExporter ex = exporter(acking).maxBatchBytes(limit).maxBatchEvents(1000).build();
    for (int i = 0; i < 40; i++) {
      ex.accept(event(i));
    }
    StepVerifier.create(ex.flush()).verifyComplete();

    assertThat(sent)
        .hasSizeGreaterThan(1)
        .allSatisfy(b -> assertThat(b.bodyBytes()).isLessThanOrEqualTo(limit));
    assertThat(ids(sent)).hasSize(40).doesNotHaveDuplicates();
  }

  @Test
  void anEventLargerThanARequestIsDroppedAsOversizedAndTheOthersGo() {
    BraintrustExporter ex = exporter(acking).maxBatchBytes(1024).build();
    ex.accept(event(1));
    ex.accept(BraintrustEvent.builder(DEST, "big").input("x".repeat(5000)).build());
    ex.accept(event(2));
    StepVerifier.create(ex.flush()).verifyComplete();

    assertThat(ids(sent)).containsExactly("e1", "e2");
    assertThat(ex.stats().dropped(DropReason.OVERSIZED)).isEqualTo(1);
  }

  @Test
  void updatesOfOneSpanInOneBatchAreFoldedIntoOneRow() {
    BraintrustExporter ex = exporter(acking).build();
    ex.accept(BraintrustEvent.builder(DEST, "s").input("in").metadata("a", 1).build());
    ex.accept(
        BraintrustEvent.builder(DEST, "s").merge(true).score("q", 0.5).metadata("b", 2).build());
    StepVerifier.create(ex.flush()).verifyComplete();

    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).size()).isEqualTo(1);
    String row = new String(sent.get(0).rows().get(0), StandardCharsets.UTF_8);
    assertThat(row)
        .contains("\"input\":\"in\"", "\"q\":0.5", "\"a\":1", "\"b\":2")
        .doesNotContain("_is_merge");
    assertThat(ex.stats().delivered()).isEqualTo(2);
  }

  @Test
  void aLateLogOnAnEndedSpanFoldsIntoItsRowInTheSameBatch() {
    BraintrustExporter ex = exporter(acking).build();
    Tracer tracer = Tracer.create(ex, DEST);
    Span other = tracer.startSpan("other", SpanType.TASK);
    other.end();
    Span span = tracer.startSpan("s", SpanType.TASK);
    span.log(Log.builder().input("in").build());
    span.end();
    // Logged after the end: a merge row of the same id, which must not overwrite the span's row.
    span.log(Log.builder().score("q", 0.5).build());
    StepVerifier.create(ex.flush()).verifyComplete();

    assertThat(sent).hasSize(1);
    List<String> rows = new ArrayList<>();
    sent.get(0).rows().forEach(r -> rows.add(new String(r, StandardCharsets.UTF_8)));
    assertThat(rows).hasSize(2);
    assertThat(rows.get(1))
        .contains("\"id\":\"" + span.id() + "\"", "\"input\":\"in\"", "\"q\":0.5")
        .doesNotContain("_is_merge");
    assertThat(rows.get(0)).contains("\"id\":\"" + other.id() + "\"");
    assertThat(ex.stats().delivered()).isEqualTo(3);
  }

  @Test
  void dropNewestKeepsTheFirstEventsAndCountsEachDrop() {
    // The first ten fill the capacity and wait in a request the server holds.
    BraintrustExporter ex = exporter(holding).capacity(10).maxBatchEvents(100).build();
    for (int i = 0; i < 15; i++) {
      ex.accept(event(i));
    }
    StepVerifier.create(ex.flush())
        .then(this::answerHeld)
        .expectComplete()
        .verify(Duration.ofSeconds(30));

    assertThat(ids(sent))
        .containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9");
    ExporterStats s = ex.stats();
    assertThat(s.dropped(DropReason.QUEUE_FULL)).isEqualTo(5);
    assertThat(s.droppedTotal()).isEqualTo(5);
    assertThat(s.submitted()).isEqualTo(s.delivered() + s.droppedTotal());
    assertThat(
            ex.meterRegistry()
                .get("braintrust.events.dropped")
                .tag("reason", "queue_full")
                .functionCounter()
                .count())
        .isEqualTo(5.0);
  }

  @Test
  void dropOldestKeepsTheLatestEventsAndCountsEvictions() {
    // One request at a time, held by the server: e0-e2 in flight, e3-e5 sealed behind them, and
    // the queue (e6-e9) is what the capacity of ten has left to evict from.
    BraintrustExporter ex =
        exporter(holding)
            .capacity(10)
            .maxBatchEvents(3)
            .maxConcurrentRequests(1)
            .overflowPolicy(OverflowPolicy.dropOldest())
            .build();
    for (int i = 0; i < 15; i++) {
      ex.accept(event(i));
    }
    assertThat(ex.stats().pending()).isEqualTo(10);
    for (int i = 0; i < 10 && ex.stats().pending() > 0; i++) {
      answerHeld();
      vts.advanceTimeBy(Duration.ofSeconds(5));
    }
    StepVerifier.create(ex.flush())
        .then(this::answerHeld)
        .expectComplete()
        .verify(Duration.ofSeconds(30));

    assertThat(ids(sent))
        .containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e11", "e12", "e13", "e14");
    assertThat(ex.stats().dropped(DropReason.EVICTED)).isEqualTo(5);
    assertThat(ex.stats().droppedTotal()).isEqualTo(5);
  }

  @Test
  void blockWithNoTimeLeftDropsAsTimeout() {
    BraintrustExporter ex =
        exporter(holding)
            .capacity(10)
            .maxBatchEvents(100)
            .overflowPolicy(OverflowPolicy.block(Duration.ZERO))
            .build();
    for (int i = 0; i < 13; i++) {
      ex.accept(event(i));
    }
    assertThat(ex.stats().dropped(DropReason.TIMEOUT)).isEqualTo(3);
    assertThat(ex.stats().accepted()).isEqualTo(10);
  }

  @Test
  void blockWaitsForRoomInsteadOfDropping() throws Exception {
    // Room appears only as batches settle: the transport answers on another thread, later.
    BraintrustExporter ex =
        exporter(
                (d, b) ->
                    Mono.fromSupplier(
                            () -> InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0))
                        .subscribeOn(reactor.core.scheduler.Schedulers.parallel()))
            .capacity(5)
            .maxBatchEvents(50)
            .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(30)))
            .build();
    Thread producer =
        new Thread(
            () -> {
              for (int i = 0; i < 20; i++) {
                ex.accept(event(i));
              }
            });
    producer.start();
    producer.join(30_000);

    assertThat(producer.isAlive()).isFalse();
    assertThat(ex.stats().accepted()).isEqualTo(20);
    assertThat(ex.stats().droppedTotal()).isZero();
  }

  @Test
  void flushCompletesOnlyAfterTheTransportAcknowledges() {
    Sinks.One<InsertResult> ack = Sinks.one();
    BraintrustExporter ex = exporter((d, b) -> ack.asMono()).build();
    ex.accept(event(1));
    java.util.concurrent.atomic.AtomicBoolean flushed =
        new java.util.concurrent.atomic.AtomicBoolean();

    // The virtual-time worker drains inline, so the batch is in flight once subscribe returns.
    ex.flush().subscribe(null, null, () -> flushed.set(true));
    assertThat(flushed).isFalse();
    assertThat(ex.stats().pending()).isEqualTo(1);

    ack.tryEmitValue(InsertResult.of(1, 1, 1, 1, 0));
    assertThat(flushed).isTrue();
    assertThat(ex.stats().delivered()).isEqualTo(1);
  }

  @Test
  void flushReportsEventsThatFailedForGood() {
    BraintrustExporter ex =
        exporter((d, b) -> Mono.error(new IllegalStateException("400 bad"))).build();
    ex.accept(event(1));
    ex.accept(event(2));

    StepVerifier.create(ex.flush())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(BraintrustExportException.class)
                    .hasMessage("2 event(s) were not delivered: 400 bad"))
        .verify();
    assertThat(ex.stats().failed()).isEqualTo(2);
    assertThat(ex.lastFailure()).isEqualTo("400 bad");
  }

  @Test
  void healthFiguresShowCapacityQueueLastFailureAndShutdown() {
    BraintrustExporter ex = exporter(acking).capacity(50).build();
    ex.accept(event(1));
    ex.accept(event(2));
    assertThat(ex.capacity()).isEqualTo(50);
    assertThat(ex.queued()).isEqualTo(2);
    assertThat(ex.lastFailure()).isNull();
    assertThat(ex.isShutdown()).isFalse();

    ex.shutdown(Duration.ofSeconds(1)).block();
    assertThat(ex.queued()).isZero();
    assertThat(ex.isShutdown()).isTrue();
  }

  @Test
  void eventsAfterCloseAreCountedAsClosedAndNullEventsAsInvalid() {
    BraintrustExporter ex = exporter(acking).build();
    ex.accept(null);
    ex.accept(event(1));
    ex.shutdown(Duration.ofSeconds(1)).block();
    ex.accept(event(2));

    ExporterStats s = ex.stats();
    assertThat(s.delivered()).isEqualTo(1);
    assertThat(s.dropped(DropReason.INVALID)).isEqualTo(1);
    assertThat(s.dropped(DropReason.CLOSED)).isEqualTo(1);
    assertThat(s.submitted()).isEqualTo(3);
  }

  @Test
  void shutdownPastItsDeadlineCountsWhatIsLeft() {
    BraintrustExporter ex = BraintrustExporter.builder((d, b) -> Mono.never()).build();
    for (int i = 0; i < 7; i++) {
      ex.accept(event(i));
    }
    StepVerifier.withVirtualTime(() -> ex.shutdown(Duration.ofSeconds(2)))
        .thenAwait(Duration.ofSeconds(2))
        .verifyComplete();

    ExporterStats s = ex.stats();
    // Sent but unanswered (fate unknown) or never sent: either way counted, none twice.
    assertThat(
            s.dropped(DropReason.IN_FLIGHT_AT_DEADLINE) + s.dropped(DropReason.SHUTDOWN_DEADLINE))
        .isEqualTo(7);
    assertThat(s.delivered() + s.failed() + s.droppedTotal()).isEqualTo(s.submitted());
  }
}

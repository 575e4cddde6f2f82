package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.internal.SizeEstimate;
import dev.braintrust.reactive.core.internal.EventEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The byte budget: huge rows are bounded by bytes held, whatever the event capacity, and every row
 * refused is counted with the overflow policy's reason. Only the accounting is checked: nothing
 * here times anything or measures the heap.
 */
class ByteBudgetTest {
  static final Destination DEST = Destination.projectLogs("p");
  static final long MIB = 1024 * 1024;
  static final long BUDGET = 64 * MIB;
  // One shared string: the heap holds one copy, the budget is charged for every row.
  static final String ONE_MIB = "x".repeat((int) MIB);
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  final List<Sinks.One<InsertResult>> requests = new ArrayList<>();

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  /** A transport whose requests wait until the test answers them. */
  final Transport held =
      (d, b) -> {
        Sinks.One<InsertResult> answer = Sinks.one();
        synchronized (requests) {
          requests.add(answer);
        }
        return answer.asMono();
      };

  void answerAll() {
    List<Sinks.One<InsertResult>> now;
    synchronized (requests) {
      now = new ArrayList<>(requests);
      requests.clear();
    }
    // Each answer settles a batch, whose drain may send more: loop until none is waiting.
    for (Sinks.One<InsertResult> a : now) {
      a.tryEmitValue(InsertResult.of(0, 0, 0, 1, 0));
    }
  }

  static BraintrustEvent huge(int i) {
    return BraintrustEvent.builder(DEST, "big-" + i).input(ONE_MIB).build();
  }

  BraintrustExporterBuilder exporter(OverflowPolicy policy) {
    return BraintrustExporter.builder(held)
        .scheduler(vts)
        .random(() -> 1.0)
        .capacity(10_000)
        .capacityBytes(BUDGET)
        .overflowPolicy(policy);
  }

  static void assertIdentity(ExporterStats s) {
    assertThat(s.submitted())
        .isEqualTo(s.delivered() + s.failed() + s.droppedTotal() + s.pending());
  }

  @Test
  void rowsOfAMebibyteAreBoundedByTheBudgetAndTheRestDroppedAsQueueFull() {
    BraintrustExporter ex = exporter(OverflowPolicy.dropNewest()).build();
    long perRow = SizeEstimate.of(huge(0));
    assertThat(perRow).isBetween(MIB, MIB + 1024);

    for (int i = 0; i < 200; i++) {
      ex.accept(huge(i));
      assertThat(ex.bufferedBytes()).isLessThanOrEqualTo(BUDGET);
      vts.advanceTimeBy(Duration.ofMillis(100));
    }

    ExporterStats s = ex.stats();
    // Held in the queue, in batches and in requests that were never answered: the budget's worth,
    // full to within one row (ids differ in length, so rows differ by a few bytes).
    assertThat(s.accepted()).isBetween(BUDGET / (perRow + 8), BUDGET / perRow);
    assertThat(ex.bufferedBytes()).isGreaterThan(BUDGET - perRow - 8);
    assertThat(s.dropped(DropReason.QUEUE_FULL)).isEqualTo(200 - s.accepted());
    assertThat(s.droppedTotal()).isEqualTo(s.dropped(DropReason.QUEUE_FULL));
    assertIdentity(s);
    assertThat(ex.meterRegistry().get("braintrust.buffer.bytes").gauge().value())
        .isEqualTo((double) ex.bufferedBytes());

    // Answered, the batches give their bytes back, and new rows fit again.
    answerAll();
    vts.advanceTimeBy(Duration.ofSeconds(1));
    answerAll();
    assertThat(ex.bufferedBytes()).isLessThan(BUDGET);
    long before = s.accepted();
    ex.accept(huge(1000));
    assertThat(ex.stats().accepted()).isEqualTo(before + 1);
  }

  @Test
  void dropOldestEvictsQueuedRowsForNewOnesWithinTheBudget() {
    BraintrustExporter ex = exporter(OverflowPolicy.dropOldest()).maxConcurrentRequests(1).build();
    for (int i = 0; i < 200; i++) {
      ex.accept(huge(i));
      assertThat(ex.bufferedBytes()).isLessThanOrEqualTo(BUDGET);
    }
    ExporterStats s = ex.stats();
    assertThat(s.accepted()).isEqualTo(200);
    assertThat(s.dropped(DropReason.EVICTED)).isPositive();
    assertThat(s.dropped(DropReason.QUEUE_FULL) + s.dropped(DropReason.EVICTED))
        .isEqualTo(s.droppedTotal());
    assertIdentity(s);
  }

  @Test
  void anEventLargerThanTheWholeBudgetIsDroppedAsOversized() {
    BraintrustExporter ex =
        BraintrustExporter.builder(held).scheduler(vts).capacityBytes(512 * 1024).build();
    ex.accept(huge(1));
    ex.accept(BraintrustEvent.builder(DEST, "small").input("s").build());
    assertThat(ex.stats().dropped(DropReason.OVERSIZED)).isEqualTo(1);
    assertThat(ex.stats().accepted()).isEqualTo(1);
  }

  @Test
  void withoutABudgetNothingIsEstimatedOrHeld() {
    BraintrustExporter ex = BraintrustExporter.builder(held).scheduler(vts).build();
    ex.accept(huge(1));
    assertThat(ex.bufferedBytes()).isZero();
  }

  @Test
  void theEstimateIsCloseToTheEncodedSizeForTypicalRows() {
    EventEncoder encoder = new EventEncoder();
    List<BraintrustEvent> rows =
        List.of(
            BraintrustEvent.builder(DEST, "chat")
                .input(
                    Map.of(
                        "messages",
                        List.of(
                            Map.of("role", "system", "content", "You are terse. ".repeat(20)),
                            Map.of("role", "user", "content", "What is 2+2? ".repeat(50)))))
                .output("4 ".repeat(300))
                .metadata("model", "gpt-4o")
                .metadata("temperature", 0.2)
                .metric("tokens", 1234)
                .score("accuracy", 1.0)
                .tag("eval")
                .build(),
            BraintrustEvent.builder(DEST, "tiny").input("hi").build());
    for (BraintrustEvent e : rows) {
      double ratio = (double) SizeEstimate.of(e) / encoder.encode(e).json().length;
      assertThat(ratio).as(e.id()).isBetween(0.8, 3.0);
    }
  }

  @Test
  void aSettledBatchReleasesExactlyWhatItsRowsReserved() {
    BraintrustExporter ex =
        BraintrustExporter.builder((d, b) -> Mono.just(InsertResult.of(b.size(), 1, 1, 1, 0)))
            .scheduler(vts)
            .capacityBytes(BUDGET)
            .build();
    for (int i = 0; i < 30; i++) {
      ex.accept(BraintrustEvent.builder(DEST, "r" + i).input("v".repeat(i * 100)).build());
    }
    assertThat(ex.bufferedBytes()).isPositive();
    StepVerifier.create(ex.flush()).verifyComplete();
    assertThat(ex.bufferedBytes()).isZero();
    assertThat(ex.stats().delivered()).isEqualTo(30);
  }
}

package dev.braintrust.reactive.core.export;

import static dev.braintrust.reactive.core.export.SpoolFixture.NEVER;
import static dev.braintrust.reactive.core.export.SpoolFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/** maxDiskBytes bounds the spool with the same policies and counters as the memory buffer. */
class SpoolDiskBudgetTest {
  static final long MAX_DISK = 64 * 1024;
  @TempDir Path dir;
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  final List<Sinks.One<InsertResult>> requests = new ArrayList<>();

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  final Transport held =
      (d, b) -> {
        Sinks.One<InsertResult> answer = Sinks.one();
        synchronized (requests) {
          requests.add(answer);
        }
        return answer.asMono();
      };

  BraintrustExporterBuilder exporter(Transport t, OverflowPolicy policy) {
    return BraintrustExporter.builder(t)
        .scheduler(vts)
        .random(() -> 1.0)
        .capacity(50)
        .overflowPolicy(policy)
        .spool(SpoolOptions.builder(dir).segmentBytes(8 * 1024).maxDiskBytes(MAX_DISK).build());
  }

  static double spoolBytes(BraintrustExporter ex) {
    return ex.meterRegistry().get("braintrust.spool.bytes").gauge().value();
  }

  static void assertIdentity(ExporterStats s) {
    assertThat(s.submitted())
        .isEqualTo(s.delivered() + s.failed() + s.droppedTotal() + s.pending());
  }

  @Test
  void aFullDiskPausesWritingSoTheMemoryBufferFillsAndDropsNewEventsAsQueueFull() {
    BraintrustExporter ex = exporter(held, OverflowPolicy.dropNewest()).build();
    for (int i = 0; i < 400; i++) {
      ex.accept(event("n" + i));
      // Each event is written before the next, unless the disk is (all but) full.
      Await.until(
          "the spool to take the event",
          () -> ex.queued() == 0 || spoolBytes(ex) > MAX_DISK - 1024);
      assertThat(spoolBytes(ex)).isLessThanOrEqualTo(MAX_DISK);
    }
    // The spool thread may still be in the middle of a group it polled before the disk filled
    // (some rows appended, the next set aside): counted once that group is done. A writer that kept
    // more than one event in hand would never get there.
    Await.until(
        "the spool writer to finish its group",
        () -> {
          ExporterStats t = ex.stats();
          return t.pending() - t.accepted() <= 51;
        });
    ExporterStats s = ex.stats();
    long queued = ex.queued();
    // The buffer filled (new events were dropped as queue full). Once the producer stopped, the
    // writer may still have taken an event or two that fit in the disk's last bytes, so the buffer
    // can be a little under its 50 now.
    assertThat(s.dropped(DropReason.QUEUE_FULL)).isPositive();
    assertThat(queued).isBetween(40L, 50L);
    // Nothing is delivered: pending is what was written (accepted) plus what waits in memory, the
    // buffer and possibly one more already in the spool writer's hands.
    long waiting = s.pending() - s.accepted();
    assertThat(waiting).isBetween(queued, queued + 1);
    assertThat(s.accepted()).isBetween(150L, 400L - waiting - 1);
    assertThat(s.dropped(DropReason.QUEUE_FULL)).isEqualTo(400 - s.accepted() - waiting);
    assertThat(s.dropped(DropReason.EVICTED)).isZero();
    assertIdentity(s);

    // Once the server acknowledges, segments are deleted and the waiting events are written.
    long accepted = s.accepted() + waiting;
    Await.until(
        "every acknowledgement",
        () -> {
          vts.advanceTimeBy(Duration.ofSeconds(1));
          List<Sinks.One<InsertResult>> now;
          synchronized (requests) {
            now = new ArrayList<>(requests);
            requests.clear();
          }
          now.forEach(a -> a.tryEmitValue(InsertResult.of(0, 0, 0, 1, 0)));
          return ex.stats().accepted() == accepted && ex.stats().pending() == 0;
        });
    assertThat(ex.stats().delivered()).isEqualTo(accepted);
    assertIdentity(ex.stats());
  }

  @Test
  void dropOldestEvictsTheOldestUnsentSegmentAndCountsItsRows() {
    BraintrustExporter ex =
        exporter(NEVER, OverflowPolicy.dropOldest())
            .maxBatchEvents(10)
            .maxConcurrentRequests(1)
            .build();
    for (int i = 0; i < 1000; i++) {
      ex.accept(event("o" + i));
      Await.until("the spool to take the event", () -> ex.queued() == 0);
      assertThat(spoolBytes(ex)).isLessThanOrEqualTo(MAX_DISK);
    }
    Await.until("every event written", () -> ex.stats().accepted() == 1000);
    ExporterStats s = ex.stats();
    assertThat(s.dropped(DropReason.EVICTED)).isPositive();
    assertThat(s.dropped(DropReason.QUEUE_FULL)).isZero();
    assertThat(s.droppedTotal()).isEqualTo(s.dropped(DropReason.EVICTED));
    // What is left is on disk, within the budget.
    assertThat((double) s.pending() * 300).isLessThanOrEqualTo(MAX_DISK);
    assertIdentity(s);
  }
}

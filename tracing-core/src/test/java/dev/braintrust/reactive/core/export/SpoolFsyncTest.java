package dev.braintrust.reactive.core.export;

import static dev.braintrust.reactive.core.export.SpoolFixture.NEVER;
import static dev.braintrust.reactive.core.export.SpoolFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The fsync policies: every group, on the interval's tick (virtual time), or never. */
class SpoolFsyncTest {
  @TempDir Path dir;
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  BraintrustExporter exporter(FsyncPolicy fsync) {
    return BraintrustExporter.builder(NEVER)
        .scheduler(vts)
        .random(() -> 1.0)
        .spool(SpoolOptions.builder(dir).fsync(fsync).build())
        .build();
  }

  static double fsyncs(BraintrustExporter ex) {
    return ex.meterRegistry().get("braintrust.spool.fsyncs").functionCounter().count();
  }

  void writeOneByOne(BraintrustExporter ex, int n, String prefix) {
    long before = ex.stats().accepted();
    for (int i = 0; i < n; i++) {
      ex.accept(event(prefix + i));
      long want = before + i + 1;
      Await.until("the event to be written", () -> ex.stats().accepted() == want);
    }
  }

  @Test
  void everyBatchForcesEachGroupBeforeItCountsAsAccepted() throws Exception {
    BraintrustExporter ex = exporter(FsyncPolicy.everyBatch());
    writeOneByOne(ex, 10, "e");
    assertThat(fsyncs(ex)).isGreaterThanOrEqualTo(10.0);
    SpoolFixture.shutdownPastDeadline(ex, vts);
  }

  @Test
  void intervalForcesWhatWasWrittenOnEachTick() throws Exception {
    BraintrustExporter ex = exporter(FsyncPolicy.interval(Duration.ofSeconds(1)));
    writeOneByOne(ex, 10, "i");
    assertThat(fsyncs(ex)).isZero();

    vts.advanceTimeBy(Duration.ofSeconds(1));
    Await.until("the tick's fsync", () -> fsyncs(ex) == 1.0);
    writeOneByOne(ex, 5, "j");
    vts.advanceTimeBy(Duration.ofSeconds(1));
    Await.until("the next tick's fsync", () -> fsyncs(ex) == 2.0);
    SpoolFixture.shutdownPastDeadline(ex, vts);
  }

  @Test
  void neverLeavesWritingBackToTheOperatingSystem() throws Exception {
    BraintrustExporter ex = exporter(FsyncPolicy.never());
    writeOneByOne(ex, 10, "n");
    vts.advanceTimeBy(Duration.ofSeconds(5));
    SpoolFixture.shutdownPastDeadline(ex, vts);
    assertThat(fsyncs(ex)).isZero();
  }
}

package dev.braintrust.reactive.core.export;

import static dev.braintrust.reactive.core.export.SpoolFixture.NEVER;
import static dev.braintrust.reactive.core.export.SpoolFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The spool's gauges read what is on disk. */
class SpoolGaugeTest {
  @TempDir Path dir;
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  static double gauge(BraintrustExporter ex, String name) {
    return ex.meterRegistry().get(name).gauge().value();
  }

  static long totalSize(List<Path> files) throws Exception {
    long n = 0;
    for (Path f : files) {
      n += Files.size(f);
    }
    return n;
  }

  @Test
  void theSegmentAndByteGaugesMatchTheFilesOnDiskWhileTheyExist() throws Exception {
    BraintrustExporter ex =
        BraintrustExporter.builder(NEVER)
            .scheduler(vts)
            .spool(SpoolOptions.builder(dir).segmentBytes(8 * 1024).maxDiskBytes(1 << 20).build())
            .build();
    try {
      for (int round = 1; round <= 3; round++) {
        for (int i = 0; i < 40; i++) {
          ex.accept(event("g" + round + "-" + i));
        }
        int expected = 40 * round;
        Await.until("the spool to write every event", () -> ex.stats().accepted() == expected);
        List<Path> files = SpoolFixture.segments(dir);
        assertThat(files).hasSizeGreaterThan(round);
        assertThat(gauge(ex, "braintrust.spool.segments")).isEqualTo(files.size());
        assertThat(gauge(ex, "braintrust.spool.bytes")).isEqualTo(totalSize(files));
      }
    } finally {
      SpoolFixture.shutdownPastDeadline(ex, vts);
    }
  }
}

package dev.braintrust.reactive.core.export;

import static dev.braintrust.reactive.core.export.SpoolFixture.NEVER;
import static dev.braintrust.reactive.core.export.SpoolFixture.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.core.BraintrustException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The directory's lock holds for as long as its exporter lives, whatever else tries to open it. */
class SpoolLockTest {
  @TempDir Path dir;
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  BraintrustExporterBuilder exporter(Path directory) {
    return BraintrustExporter.builder(NEVER)
        .scheduler(vts)
        .spool(
            SpoolOptions.builder(directory).segmentBytes(8 * 1024).maxDiskBytes(1 << 20).build());
  }

  @Test
  void aRefusedSecondOpenInTheSameProcessKeepsTheFirstOnesLockAgainstOtherProcesses()
      throws Exception {
    BraintrustExporter first = exporter(dir).build();
    try {
      first.accept(event("held"));
      Await.until("the spool to write the event", () -> first.stats().accepted() == 1);
      String pid = Long.toString(ProcessHandle.current().pid());
      assertThatThrownBy(() -> exporter(dir).build())
          .isInstanceOf(BraintrustException.class)
          .hasMessageContaining("is in use by another exporter")
          .hasMessageContaining("process " + pid);
      // The same directory spelled another way is the same directory.
      Path other = dir.resolve("sub").resolve("..");
      Files.createDirectories(dir.resolve("sub"));
      assertThatThrownBy(() -> exporter(other).build())
          .isInstanceOf(BraintrustException.class)
          .hasMessageContaining("is in use by another exporter");

      ChildJvm.Result child = ChildJvm.run(SpoolLockProbe.class, List.of(), dir.toString());
      assertThat(child.output())
          .as("another process while the first exporter lives")
          .contains("refused: ")
          .contains("process " + pid)
          .doesNotContain("opened");
    } finally {
      SpoolFixture.shutdownPastDeadline(first, vts);
    }
    ChildJvm.Result after = ChildJvm.run(SpoolLockProbe.class, List.of(), dir.toString());
    assertThat(after.output()).as("another process once it is shut down").contains("opened");
  }
}

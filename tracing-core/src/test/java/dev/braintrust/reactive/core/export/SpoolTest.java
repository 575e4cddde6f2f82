package dev.braintrust.reactive.core.export;

import static dev.braintrust.reactive.core.export.SpoolFixture.NEVER;
import static dev.braintrust.reactive.core.export.SpoolFixture.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.export.internal.SpoolFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The disk spool: accepted means written, unacknowledged rows are replayed, one owner. */
class SpoolTest {
  @TempDir Path dir;
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  BraintrustExporterBuilder exporter(Transport t) {
    return BraintrustExporter.builder(t)
        .scheduler(vts)
        .random(() -> 1.0)
        .spool(SpoolOptions.builder(dir).segmentBytes(8 * 1024).maxDiskBytes(1 << 20).build());
  }

  static List<String> ids(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  @Test
  void eventsCountAsAcceptedOnceWrittenAndACleanShutdownLeavesNoSegments() throws Exception {
    SpoolFixture.Acking acking = new SpoolFixture.Acking();
    BraintrustExporter ex = exporter(acking).build();
    for (String id : ids("a", 50)) {
      ex.accept(event(id));
    }
    Await.until("the spool to write every event", () -> ex.stats().accepted() == 50);
    assertThat(SpoolFixture.segments(dir)).isNotEmpty();
    assertThat(ex.stats().pending()).isEqualTo(50);

    StepVerifier.create(ex.flush()).expectComplete().verify(Duration.ofSeconds(20));
    assertThat(acking.ids).containsExactlyElementsOf(ids("a", 50));
    ex.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(20));

    ExporterStats s = ex.stats();
    assertThat(s.delivered()).isEqualTo(50);
    assertThat(s.droppedTotal()).isZero();
    // Acknowledged segments are deleted; only the lock file stays.
    assertThat(SpoolFixture.segments(dir)).isEmpty();
    assertThat(dir.resolve(SpoolFormat.LOCK_FILE)).exists();
  }

  @Test
  void whatWasNotAcknowledgedIsReplayedInOrderByTheNextExporter() throws Exception {
    BraintrustExporter first = exporter(NEVER).build();
    for (String id : ids("r", 120)) {
      first.accept(event(id));
    }
    Await.until("the spool to write every event", () -> first.stats().accepted() == 120);
    SpoolFixture.shutdownPastDeadline(first, vts);
    ExporterStats left = first.stats();
    // Not lost: on disk, and counted apart from what shutdown loses.
    assertThat(left.dropped(DropReason.LEFT_IN_SPOOL)).isEqualTo(120);
    assertThat(left.dropped(DropReason.SHUTDOWN_DEADLINE)).isZero();
    assertThat(left.pending()).isZero();
    assertThat(SpoolFixture.segments(dir)).hasSizeGreaterThan(1);

    SpoolFixture.Acking acking = new SpoolFixture.Acking();
    BraintrustExporter second = exporter(acking).build();
    second.accept(event("new-0"));
    StepVerifier.create(second.flush()).expectComplete().verify(Duration.ofSeconds(20));

    List<String> expected = ids("r", 120);
    expected.add("new-0");
    assertThat(acking.ids).containsExactlyElementsOf(expected);
    ExporterStats s = second.stats();
    assertThat(s.delivered()).isEqualTo(121);
    assertThat(s.submitted()).isEqualTo(121);
    assertThat(second.meterRegistry().get("braintrust.spool.replayed").functionCounter().count())
        .isEqualTo(120.0);
    second.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(20));
    assertThat(SpoolFixture.segments(dir)).isEmpty();
  }

  @Test
  void aSecondExporterOnTheSameDirectoryIsRefusedWithAClearError() throws Exception {
    BraintrustExporter first = exporter(NEVER).build();
    try {
      assertThatThrownBy(() -> exporter(NEVER).build())
          .isInstanceOf(BraintrustException.class)
          .hasMessageContaining("is in use by another exporter")
          .hasMessageContaining("process " + ProcessHandle.current().pid())
          .hasMessageContaining(dir.toAbsolutePath().toString());
    } finally {
      SpoolFixture.shutdownPastDeadline(first, vts);
    }
    // Released with the first one's shutdown.
    BraintrustExporter again = exporter(new SpoolFixture.Acking()).build();
    again.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(20));
  }

  @Test
  void aShutdownWhoseClockRunsFarPastTheDeadlineStillReleasesTheDirectoryFirst() throws Exception {
    for (int i = 0; i < 20; i++) {
      BraintrustExporter first = exporter(NEVER).build();
      first.accept(event("held-" + i));
      Await.until("the spool to write the event", () -> first.stats().accepted() == 1);
      CompletableFuture<Void> done = first.shutdown(Duration.ofSeconds(1)).toFuture();
      // Virtual time jumps past the deadline and any grace at once: the spool's close is real
      // work on its own thread, so shutdown must wait for it, not for the virtual clock.
      vts.advanceTimeBy(Duration.ofMinutes(1));
      done.get(20, TimeUnit.SECONDS);
      BraintrustExporter next = exporter(new SpoolFixture.Acking()).build();
      StepVerifier.create(next.shutdown(Duration.ofSeconds(5)))
          .expectComplete()
          .verify(Duration.ofSeconds(20));
    }
  }

  @Test
  void maskedValuesNeverReachTheDisk() throws Exception {
    BraintrustExporter ex =
        exporter(NEVER)
            .mask(v -> v instanceof String s ? s.replace("hunter2", "[redacted]") : v)
            .build();
    ex.accept(
        BraintrustEvent.builder(SpoolFixture.DEST, "m")
            .input("password hunter2")
            .metadata("pw", "hunter2")
            .build());
    Await.until("the spool to write the event", () -> ex.stats().accepted() == 1);
    SpoolFixture.shutdownPastDeadline(ex, vts);

    StringBuilder disk = new StringBuilder();
    for (Path f : SpoolFixture.segments(dir)) {
      disk.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
    }
    assertThat(disk).contains("[redacted]").doesNotContain("hunter2");
  }
}

package dev.braintrust.reactive.core.export;

import static dev.braintrust.reactive.core.export.SpoolFixture.NEVER;
import static dev.braintrust.reactive.core.export.SpoolFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Power loss mid-write leaves a torn or garbled tail: it is found by the record checksums, skipped
 * and counted, and every record before it (and every other segment) is replayed.
 */
class SpoolCorruptionTest {
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
        .spool(SpoolOptions.builder(dir).segmentBytes(4 * 1024).maxDiskBytes(1 << 20).build());
  }

  /** Spools {@code n} rows that are never acknowledged and stops: they stay on disk. */
  void leaveRows(int n) throws Exception {
    BraintrustExporter ex = exporter(NEVER).build();
    for (int i = 0; i < n; i++) {
      ex.accept(event("c" + i));
    }
    Await.until("the spool to write every event", () -> ex.stats().accepted() == n);
    SpoolFixture.shutdownPastDeadline(ex, vts);
    assertThat(ex.stats().dropped(DropReason.LEFT_IN_SPOOL)).isEqualTo(n);
  }

  @Test
  void truncatedAndBitFlippedTailsAreSkippedCountedAndTheRestIsReplayed() throws Exception {
    leaveRows(60);
    List<Path> segments = SpoolFixture.segments(dir);
    assertThat(segments).hasSizeGreaterThanOrEqualTo(3);
    List<String> lost = new ArrayList<>();

    // The last segment loses its last 10 bytes, as if power failed mid-append.
    Path last = segments.get(segments.size() - 1);
    List<SpoolFixture.Found> tail = SpoolFixture.records(last);
    lost.add(tail.get(tail.size() - 1).id());
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 10);
    }
    // The first segment's last record gets one bit flipped in its payload.
    Path first = segments.get(0);
    List<SpoolFixture.Found> head = SpoolFixture.records(first);
    SpoolFixture.Found victim = head.get(head.size() - 1);
    lost.add(victim.id());
    flipBit(first, victim.offset() + 8 + victim.length() / 2);

    SpoolFixture.Acking acking = new SpoolFixture.Acking();
    BraintrustExporter ex = exporter(acking).build();
    StepVerifier.create(ex.flush()).expectComplete().verify(Duration.ofSeconds(20));

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      expected.add("c" + i);
    }
    expected.removeAll(lost);
    assertThat(acking.ids).containsExactlyElementsOf(expected);
    assertThat(ex.meterRegistry().get("braintrust.spool.corrupt").functionCounter().count())
        .isEqualTo(2.0);
    assertThat(ex.meterRegistry().get("braintrust.spool.corrupt.bytes").functionCounter().count())
        .isPositive();
    assertThat(ex.meterRegistry().get("braintrust.spool.replayed").functionCounter().count())
        .isEqualTo(58.0);
    ExporterStats s = ex.stats();
    assertThat(s.delivered()).isEqualTo(58);
    assertThat(s.submitted())
        .isEqualTo(s.delivered() + s.failed() + s.droppedTotal() + s.pending());
    ex.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(20));
    assertThat(SpoolFixture.segments(dir)).isEmpty();
  }

  @Test
  void aSegmentThatIsNotASpoolSegmentOrIsEmptyIsSkippedAndTheOthersReplay() throws Exception {
    leaveRows(20);
    List<Path> segments = SpoolFixture.segments(dir);
    // A segment whose header never made it to disk, and one overwritten with garbage.
    Files.write(dir.resolve("segment-00000000000000000000.log"), new byte[0]);
    Path garbage = dir.resolve("segment-00000000000000009999.log");
    Files.write(garbage, "not a segment at all, just text".getBytes());

    SpoolFixture.Acking acking = new SpoolFixture.Acking();
    BraintrustExporter ex = exporter(acking).build();
    StepVerifier.create(ex.flush()).expectComplete().verify(Duration.ofSeconds(20));

    assertThat(acking.ids).hasSize(20).doesNotHaveDuplicates();
    assertThat(ex.meterRegistry().get("braintrust.spool.corrupt").functionCounter().count())
        .isEqualTo(1.0);
    ex.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(20));
    assertThat(SpoolFixture.segments(dir)).isEmpty();
    assertThat(segments).isNotEmpty();
  }

  static void flipBit(Path file, long at) throws Exception {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x10));
      b.rewind();
      ch.write(b, at);
    }
  }
}

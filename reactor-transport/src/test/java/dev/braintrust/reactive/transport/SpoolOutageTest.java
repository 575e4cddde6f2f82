package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.core.export.SpoolOptions;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * An outage longer than memory: with the server down, ten times the memory buffer's capacity is
 * produced; the spool takes it all (nothing dropped below maxDiskBytes) and everything arrives once
 * the server is back.
 */
class SpoolOutageTest {
  static final int CAPACITY = 1_000;
  static final int EVENTS = 10 * CAPACITY;
  @TempDir Path dir;

  @Test
  void tenTimesTheMemoryCapacityWaitsOnDiskAndArrivesAfterRecovery() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().retainRows(false).build().start()) {
      String pid = server.createProject("outage");
      Destination dest = Destination.projectLogs(pid);
      BraintrustClient client =
          BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
      // Virtual time paces the exporter's backoff, so the test decides when it retries.
      BraintrustExporter exporter =
          BraintrustExporter.builder(client)
              .scheduler(vts)
              .capacity(CAPACITY)
              .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(30)))
              .spool(SpoolOptions.builder(dir).maxDiskBytes(64L * 1024 * 1024).build())
              .build();
      server.stop();

      for (int i = 0; i < EVENTS; i++) {
        exporter.accept(
            BraintrustEvent.builder(dest, "o-" + i)
                .input("question " + i)
                .output("answer " + i)
                .build());
        assertThat(exporter.queued()).isLessThanOrEqualTo(CAPACITY);
      }
      Await.until("every event on disk", () -> exporter.stats().accepted() == EVENTS);
      ExporterStats during = exporter.stats();
      assertThat(during.droppedTotal()).isZero();
      assertThat(during.delivered()).isZero();
      assertThat(during.pending()).isEqualTo(EVENTS);
      double onDisk = exporter.meterRegistry().get("braintrust.spool.bytes").gauge().value();
      assertThat(onDisk).isGreaterThan(EVENTS * 50.0).isLessThanOrEqualTo(64.0 * 1024 * 1024);

      server.start();
      AtomicBoolean flushed = new AtomicBoolean();
      exporter.flush().subscribe(null, null, () -> flushed.set(true));
      Await.until(
          "delivery after the server is back",
          flushed::get,
          () -> vts.advanceTimeBy(Duration.ofSeconds(1)));

      assertThat(server.rowIds("project_logs", pid)).hasSize(EVENTS);
      ExporterStats after = exporter.stats();
      assertThat(after.delivered()).isEqualTo(EVENTS);
      assertThat(after.failed()).isZero();
      assertThat(after.droppedTotal()).isZero();
      Await.until(
          "acknowledged segments deleted",
          () -> exporter.meterRegistry().get("braintrust.spool.segments").gauge().value() <= 1);
      exporter.shutdown(Duration.ofSeconds(10)).subscribe();
      Await.until("shutdown", exporter::isShutdown, () -> vts.advanceTimeBy(Duration.ofSeconds(1)));
    } finally {
      vts.dispose();
    }
  }
}

package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.DropReason;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code capacity} bounds every event the exporter holds (queued, batched, in flight), not only the
 * queue: with the server holding its answers, no more than {@code capacity} events are ever
 * accepted and unsettled, and the overflow policy applies beyond.
 */
class CapacityBoundTest {
  static final int CAPACITY = 100;

  @Test
  void acceptedButUnsettledEventsNeverExceedCapacityWhileTheServerHoldsItsAnswers()
      throws Exception {
    try (HoldingServer server = new HoldingServer()) {
      BraintrustClient client =
          BraintrustClient.builder()
              .apiKey("test-key")
              .baseUrl(server.baseUrl())
              .requestTimeout(Duration.ofMinutes(2))
              .build();
      BraintrustExporter exporter =
          BraintrustExporter.builder(client)
              .capacity(CAPACITY)
              .maxBatchEvents(30)
              .maxConcurrentRequests(4)
              .overflowPolicy(OverflowPolicy.dropOldest())
              .build();
      Destination d = Destination.projectLogs("p1");
      int offered = 0;
      for (; offered < CAPACITY; offered++) {
        exporter.accept(ReliabilityTest.event(d, "e" + offered));
      }
      // Everything accepted so far is now in requests the server holds.
      Await.until("the first events in held requests", () -> server.received.size() == CAPACITY);
      assertThat(exporter.stats().pending()).isEqualTo(CAPACITY);

      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 100; i++, offered++) {
          exporter.accept(ReliabilityTest.event(d, "e" + offered));
        }
        assertThat(exporter.stats().pending()).isLessThanOrEqualTo(CAPACITY);
      }
      ExporterStats held = exporter.stats();
      assertThat(held.accepted()).isEqualTo(CAPACITY);
      // Nothing in the queue to evict: every later event is the overflow, counted.
      assertThat(held.dropped(DropReason.QUEUE_FULL)).isEqualTo(offered - CAPACITY);

      server.release.countDown();
      exporter.shutdown(Duration.ofSeconds(60)).block();
      ExporterStats s = exporter.stats();
      assertThat(s.delivered()).isEqualTo(CAPACITY);
      assertThat(s.delivered() + s.failed() + s.droppedTotal()).isEqualTo(offered);
    }
  }

  /** Reads each insert and records its rows, answering only once {@link #release} opens. */
  static final class HoldingServer extends RawInsertServer {
    final Set<String> received = ConcurrentHashMap.newKeySet();
    final CountDownLatch release = new CountDownLatch(1);

    HoldingServer() throws IOException {
      super("holding-server");
      start();
    }

    @Override
    void serve(Socket s) throws IOException, InterruptedException {
      InputStream in = s.getInputStream();
      OutputStream os = s.getOutputStream();
      while (true) {
        ArrayNode ids = rowIds(KeepAliveServer.readRequest(in));
        for (JsonNode id : ids) {
          received.add(id.asText());
        }
        if (!release.await(120, TimeUnit.SECONDS)) {
          return;
        }
        acknowledge(os, ids);
      }
    }

    @Override
    public void close() throws IOException {
      release.countDown();
      super.close();
    }
  }
}

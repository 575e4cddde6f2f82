package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.DropReason;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
  static final class HoldingServer implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    final Set<String> received = ConcurrentHashMap.newKeySet();
    final CountDownLatch release = new CountDownLatch(1);
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    HoldingServer() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::acceptLoop, "holding-server");
      t.setDaemon(true);
      t.start();
    }

    String baseUrl() {
      return "http://127.0.0.1:" + listener.getLocalPort();
    }

    private void acceptLoop() {
      while (!listener.isClosed()) {
        try {
          Socket s = listener.accept();
          open.add(s);
          Thread t = new Thread(() -> serve(s), "holding-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream os = s.getOutputStream();
        while (true) {
          byte[] body = KeepAliveServer.readRequest(in);
          ArrayNode ids = MAPPER.createArrayNode();
          for (JsonNode e : MAPPER.readTree(body).path("events")) {
            received.add(e.path("id").asText());
            ids.add(e.path("id").asText());
          }
          if (!release.await(120, TimeUnit.SECONDS)) {
            return;
          }
          byte[] out = ("{\"row_ids\":" + ids + "}").getBytes(StandardCharsets.UTF_8);
          os.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                      + out.length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          os.write(out);
          os.flush();
        }
      } catch (IOException | InterruptedException | RuntimeException gone) {
        // Closed by the client or the test.
      } finally {
        open.remove(s);
      }
    }

    @Override
    public void close() throws IOException {
      release.countDown();
      listener.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }
}

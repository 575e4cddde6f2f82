package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.Transport;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code failed} means the server refused the rows, never that the exporter stopped waiting: an
 * insert or lookup that got no answer is sent again (same row ids) until the server takes it.
 */
class DeliveryTruthTest {
  static final int EVENTS = 100;

  /** The exporter's own sending (one attempt per request), and a transport that retries itself. */
  static final Function<BraintrustClient, Transport> EXPORTER_RETRIES = c -> c;

  static final Function<BraintrustClient, Transport> CLIENT_RETRIES = c -> c::insert;

  @Test
  void insertsAnsweredAfterTheClientTimeoutAreRetriedWithTheSameIdsNotCountedFailed()
      throws Exception {
    deliversEverythingDespite(UnansweredInsertServer.Mode.LATE, EXPORTER_RETRIES);
    deliversEverythingDespite(UnansweredInsertServer.Mode.LATE, CLIENT_RETRIES);
  }

  @Test
  void insertsWhoseConnectionClosedAfterTheBodyAreRetriedWithTheSameIdsNotCountedFailed()
      throws Exception {
    deliversEverythingDespite(UnansweredInsertServer.Mode.CLOSE, EXPORTER_RETRIES);
    deliversEverythingDespite(UnansweredInsertServer.Mode.CLOSE, CLIENT_RETRIES);
  }

  private static void deliversEverythingDespite(
      UnansweredInsertServer.Mode mode, Function<BraintrustClient, Transport> transport)
      throws Exception {
    // Each batch's first two attempts go unanswered: more than the client's own retries, so the
    // exporter must retry too.
    try (UnansweredInsertServer server = new UnansweredInsertServer(mode, 2)) {
      BraintrustClient client =
          BraintrustClient.builder()
              .apiKey("test-key")
              .baseUrl(server.baseUrl())
              .requestTimeout(Duration.ofMillis(500))
              .maxRetries(1)
              .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
              .build();
      BraintrustExporter exporter =
          BraintrustExporter.builder(transport.apply(client)).maxBatchEvents(25).build();
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < EVENTS; i++) {
        String id = mode + "-" + i;
        ids.add(id);
        exporter.accept(ReliabilityTest.event(Destination.projectLogs("p1"), id));
      }
      exporter.shutdown(Duration.ofSeconds(90)).block();

      ExporterStats s = exporter.stats();
      assertThat(server.unansweredSoFar.get()).as("requests left unanswered").isEqualTo(8);
      // Every row arrived, under the ids it was accepted with (resent, never renamed)...
      assertThat(server.stored.keySet()).isEqualTo(ids);
      assertThat(server.stored.values()).anyMatch(n -> n.get() > 1);
      // ...and was counted delivered: none failed or dropped for want of an answer.
      assertThat(s.delivered()).isEqualTo(EVENTS);
      assertThat(s.failed()).isZero();
      assertThat(s.droppedTotal()).isZero();
    }
  }

  @Test
  void spansToAProjectByNameWaitOutAnOutageBeforeTheNameIsResolved() {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      BraintrustClient client =
          BraintrustClient.builder()
              .apiKey(server.apiKey())
              .baseUrl(server.baseUrl())
              .maxRetries(1)
              .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
              .build();
      BraintrustExporter exporter =
          BraintrustExporter.builder(client)
              .maxBatchEvents(10)
              .flushInterval(Duration.ofMillis(50))
              .build();
      Destination byName = Destination.projectLogsByName("otel-outage");
      // Down before the first lookup: connections are refused.
      server.stop();
      for (int i = 0; i < 30; i++) {
        exporter.accept(ReliabilityTest.event(byName, "before-" + i));
      }
      // Several lookups refused, each after the client's own retry: more than one round.
      Await.until(
          "refused name lookups", () -> ioErrors(client) >= 6 || exporter.stats().failed() > 0);
      assertThat(exporter.stats().failed()).isZero();
      server.start();
      for (int i = 0; i < 30; i++) {
        exporter.accept(ReliabilityTest.event(byName, "after-" + i));
      }
      exporter.shutdown(Duration.ofSeconds(90)).block();

      ExporterStats s = exporter.stats();
      assertThat(server.rowIds("project_logs", server.projectId("otel-outage"))).hasSize(60);
      assertThat(s.delivered()).isEqualTo(60);
      assertThat(s.failed()).isZero();
    }
  }

  @Test
  void aLookupTheServerRefusesFailsItsEvents() {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      BraintrustClient client =
          BraintrustClient.builder().apiKey("wrong-key").baseUrl(server.baseUrl()).build();
      BraintrustExporter exporter = BraintrustExporter.builder(client).build();
      for (int i = 0; i < 5; i++) {
        exporter.accept(ReliabilityTest.event(Destination.projectLogsByName("p"), "r" + i));
      }
      exporter.shutdown(Duration.ofSeconds(30)).block();
      // A 401 is the server's refusal: final, not waited out.
      assertThat(exporter.stats().failed()).isEqualTo(5);
      assertThat(exporter.stats().droppedTotal()).isZero();
    }
  }

  private static long ioErrors(BraintrustClient client) {
    return client
        .meterRegistry()
        .find("braintrust.http.requests")
        .tag("outcome", "io_error")
        .timers()
        .stream()
        .mapToLong(t -> t.count())
        .sum();
  }
}

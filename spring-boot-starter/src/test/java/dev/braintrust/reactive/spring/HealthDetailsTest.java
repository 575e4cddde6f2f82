package dev.braintrust.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** What the health indicator says while the server fails, over the wire against the testkit. */
class HealthDetailsTest {

  @Test
  void healthSaysWhySendingIsPausedWhileTheServerFailsAndStopsOnceRowsGetThrough()
      throws Exception {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      String project = server.createProject("health");
      server.faults().enqueue(Fault.status(503).onPathContaining("/insert"), 1_000);
      BraintrustClient client =
          BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
      BraintrustExporter exporter =
          BraintrustExporter.builder(client).flushInterval(Duration.ofMillis(50)).build();
      try {
        BraintrustHealthIndicator indicator = new BraintrustHealthIndicator(exporter);
        exporter.accept(
            BraintrustEvent.builder(Destination.projectLogs(project), "row-1").input("q").build());

        until("the exporter to back off", () -> exporter.backoffReason() != null);
        Health failing = indicator.health();
        assertThat(failing.getStatus()).isEqualTo(Status.UP);
        Map<String, Object> details = failing.getDetails();
        assertThat(details.get("backingOff")).asString().contains("503");
        // Nothing is lost yet: the row waits, so there is no delivery error.
        assertThat(details).doesNotContainKey("lastError").containsEntry("pending", 1L);

        server.faults().clear();
        until("the row to be delivered", () -> exporter.stats().delivered() == 1);
        Health recovered = indicator.health();
        assertThat(recovered.getDetails()).doesNotContainKey("backingOff");
        assertThat(server.projectLogs(project))
            .extracting(r -> r.get("id").asText())
            .contains("row-1");
      } finally {
        exporter.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(20));
      }
    }
  }

  private static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}

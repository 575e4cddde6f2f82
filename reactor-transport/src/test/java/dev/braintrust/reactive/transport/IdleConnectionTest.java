package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.InsertResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A pooled connection that the network dropped while idle must not fail the next batch. Sent with
 * {@code insertOnce}, the exporter's path, which does not retry: the second batch has to go out on
 * a fresh connection the first time.
 */
class IdleConnectionTest {
  static final Duration T = Duration.ofSeconds(10);
  static final Destination LOGS = Destination.projectLogs("p");

  @Test
  void aConnectionTheServerClosedBetweenBatchesIsNotReused() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer(KeepAliveServer.Mode.CLOSE)) {
      BraintrustClient client =
          BraintrustClient.builder().apiKey("k").baseUrl(server.baseUrl()).maxRetries(0).build();

      InsertResult first = client.insertOnce(LOGS, ClientSecurityTest.batch("a")).block(T);
      Await.until("the client to close its end", () -> server.closedByClient.get() == 1);
      InsertResult second = client.insertOnce(LOGS, ClientSecurityTest.batch("b")).block(T);

      assertThat(first.requests()).isEqualTo(1);
      assertThat(second.requests()).isEqualTo(1);
      assertThat(server.requests.get()).isEqualTo(2);
      assertThat(server.connections.get()).isEqualTo(2);
      client.close();
    }
  }

  @Test
  void aConnectionSilentlyDroppedWhileIdleIsEvictedBeforeTheNextBatch() throws Exception {
    try (KeepAliveServer server = new KeepAliveServer(KeepAliveServer.Mode.SILENT)) {
      BraintrustClient client =
          BraintrustClient.builder()
              .apiKey("k")
              .baseUrl(server.baseUrl())
              .maxIdleTime(Duration.ofMillis(200))
              .maxRetries(0)
              .build();

      client.insertOnce(LOGS, ClientSecurityTest.batch("a")).block(T);
      // No FIN ever comes: only the client's own idle limit can retire the connection.
      Await.until("the idle connection to be evicted", () -> server.closedByClient.get() == 1);
      InsertResult second = client.insertOnce(LOGS, ClientSecurityTest.batch("b")).block(T);

      assertThat(second.requests()).isEqualTo(1);
      assertThat(server.requests.get()).isEqualTo(2);
      assertThat(server.connections.get()).isEqualTo(2);
      client.close();
    }
  }
}

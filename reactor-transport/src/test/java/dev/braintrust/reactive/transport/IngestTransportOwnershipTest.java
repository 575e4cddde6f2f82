package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.Transport;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.StepVerifier;

/**
 * An exporter owns the transport it is given: on {@code client.ingestTransport()} its close ends
 * only its handle, and the client it shares keeps working for everyone else, over the testkit's
 * socket.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class IngestTransportOwnershipTest {
  static final Duration T = Duration.ofSeconds(30);

  static void send(BraintrustExporter exporter, String project, String name) {
    Tracer.create(exporter, Destination.projectLogs(project)).startSpan(name, SpanType.TASK).end();
    exporter.flush().block(T);
  }

  @Test
  void closingAnExporterOnTheIngestTransportLeavesTheSharedClientOpen(BraintrustTestServer server) {
    String project = server.createProject("shared");
    try (BraintrustClient client = EndToEndTest.client(server)) {
      BraintrustExporter first = BraintrustExporter.builder(client.ingestTransport()).build();
      BraintrustExporter second = BraintrustExporter.builder(client.ingestTransport()).build();
      send(first, project, "from the first");
      first.close();

      // The other exporter and the client's own calls still go through the same client.
      send(second, project, "from the second");
      second.close();
      assertThat(client.projects().list().collectList().block(T)).isNotEmpty();
      assertThat(server.projectLogs(project)).hasSize(2);
      assertThat(first.stats().delivered()).isEqualTo(1);
      assertThat(second.stats().delivered()).isEqualTo(1);
    }
  }

  @Test
  void aClosedHandleRefusesInsertsNamingTheOpenClient(BraintrustTestServer server) {
    try (BraintrustClient client = EndToEndTest.client(server)) {
      Transport handle = client.ingestTransport();
      handle.shutdown().block(T);

      StepVerifier.create(handle.insertOnce(Destination.projectLogs("p"), ResourcesTest.batch("a")))
          .expectErrorMessage(
              "this ingest transport was closed by its exporter; the BraintrustClient is still"
                  + " open: ask it for another with ingestTransport()")
          .verify(T);
      assertThat(client.ingestTransport().maxRetryAfter()).isEqualTo(client.maxRetryAfter());
    }
  }

  @Test
  void anExporterHandedTheClientItselfOwnsItAndShutsItDown(BraintrustTestServer server) {
    String project = server.createProject("owned");
    BraintrustClient client = EndToEndTest.client(server);
    BraintrustExporter exporter = BraintrustExporter.builder(client).build();
    send(exporter, project, "owned");
    exporter.close();

    StepVerifier.create(client.projects().list())
        .expectErrorSatisfies(
            e -> assertThat(e).hasMessageStartingWith("this BraintrustClient is shut down"))
        .verify(T);
  }
}

package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The client's {@code maxRetryAfter} caps the exporter's pause too: a server (or a proxy in front
 * of it) answering {@code Retry-After: 3600} must not hold every batch for an hour.
 */
class RetryAfterCapTest {

  @Test
  void aRetryAfterOfAnHourIsCutToTheClientsMaxRetryAfter() {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      String project = server.createProject("capped");
      server.faults().enqueue(Fault.rateLimited(3600).onPathContaining("/insert"));
      BraintrustClient client =
          BraintrustClient.builder()
              .apiKey(server.apiKey())
              .baseUrl(server.baseUrl())
              .maxRetryAfter(Duration.ofSeconds(1))
              .build();
      try (BraintrustExporter exporter = BraintrustExporter.builder(client).build()) {
        Tracer tracer = Tracer.create(exporter, Destination.projectLogs(project));
        tracer.startSpan("held back", SpanType.TASK).end();
        // Uncapped, the pause is an hour; capped, one second plus jitter. The deadline is
        // generous for a loaded machine and still far below the hour.
        exporter.flush().block(Duration.ofMinutes(2));
        assertThat(exporter.stats().delivered()).isEqualTo(1);
        assertThat(server.projectLogs(project)).hasSize(1);
      }
    }
  }
}

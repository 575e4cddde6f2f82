package dev.braintrust.reactive.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.otel.internal.Fixtures;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rows are mapped from spans on the exporter's thread (issue 35), and a span whose mapping throws
 * there is still delivered and counted, never lost silently.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class DeferredMappingTest {
  static final String PROJECT = "deferred-mapping";

  /** A finished span recorded by the SDK, as an exporter receives it. */
  static SpanData finishedSpan(String name) {
    return Fixtures.recorded("test", name, span -> span.setAttribute("http.route", "/chat"));
  }

  static BraintrustSpanExporter exporterTo(BraintrustTestServer server, BraintrustExporter core) {
    return BraintrustSpanExporter.builder(core)
        .destination(Destination.projectLogsByName(PROJECT))
        .build();
  }

  static BraintrustExporter core(BraintrustTestServer server) {
    return BraintrustExporter.builder(
            BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build())
        .build();
  }

  @Test
  void theSpanIsMappedOnTheExportersThreadNotTheCallers(BraintrustTestServer server) {
    AtomicReference<Thread> mappedOn = new AtomicReference<>();
    SpanData span =
        new DelegatingSpanData(finishedSpan("GET /chat")) {
          @Override
          public StatusData getStatus() {
            // Read only by the mapping, never to accept the span.
            mappedOn.compareAndSet(null, Thread.currentThread());
            return super.getStatus();
          }
        };
    BraintrustExporter core = core(server);
    BraintrustSpanExporter exporter = exporterTo(server, core);

    assertThat(exporter.export(List.of(span)).isSuccess()).isTrue();
    assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

    List<ObjectNode> rows = server.projectLogs(server.projectId(PROJECT));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).path("span_attributes").path("name").asText()).isEqualTo("GET /chat");
    assertThat(rows.get(0).path("metadata").path("http.route").asText()).isEqualTo("/chat");
    assertThat(mappedOn.get()).isNotNull().isNotSameAs(Thread.currentThread());
    exporter.shutdown().join(30, TimeUnit.SECONDS);
  }

  @Test
  void aSpanWhoseMappingThrowsIsDeliveredWithItsIdsAndCountedNotLost(BraintrustTestServer server) {
    SpanData real = finishedSpan("GET /broken");
    SpanData span =
        new DelegatingSpanData(real) {
          @Override
          public StatusData getStatus() {
            throw new IllegalStateException("status unavailable");
          }
        };
    BraintrustExporter core = core(server);
    BraintrustSpanExporter exporter = exporterTo(server, core);

    assertThat(exporter.export(List.of(span)).isSuccess()).isTrue();
    assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

    List<ObjectNode> rows = server.projectLogs(server.projectId(PROJECT));
    assertThat(rows).hasSize(1);
    ObjectNode row = rows.get(0);
    assertThat(row.path("span_id").asText()).isEqualTo(real.getSpanId());
    assertThat(row.path("root_span_id").asText()).isEqualTo(real.getTraceId());
    assertThat(row.path("span_attributes").path("name").asText()).isEqualTo("GET /broken");
    assertThat(row.path("metrics").path("start").isNumber()).isTrue();
    assertThat(row.path("metadata").path("serialization_errors").toString())
        .contains("IllegalStateException: status unavailable");
    ExporterStats stats = core.stats();
    assertThat(stats.delivered()).isEqualTo(1);
    assertThat(stats.serializationErrors()).isEqualTo(1);
    assertThat(stats.droppedTotal() + stats.failed()).isZero();
    assertThat(core.shutdown(Duration.ofSeconds(30)).block(Duration.ofSeconds(60))).isNull();
  }
}

package dev.braintrust.reactive.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shutdown is called more than once in practice (the SDK provider, a JVM hook, application code),
 * so only the first call may wait; everything after it must answer at once.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class ShutdownTest {
  // Long enough that the first shutdown is surely still waiting when the next line runs, short
  // enough that the test doesn't idle; the first call's join below allows far more.
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);
  static final Destination DEST = Destination.projectLogs("00000000-0000-0000-0000-000000000001");

  HttpServer silent;
  final Queue<HttpExchange> unanswered = new ConcurrentLinkedQueue<>();
  SdkTracerProvider provider;

  @AfterEach
  void tearDown() {
    if (provider != null) {
      provider.shutdown().join(30, TimeUnit.SECONDS);
    }
    if (silent != null) {
      silent.stop(0);
    }
  }

  /** A server that reads requests and never answers them, so delivery hangs until a deadline. */
  String silentServer() throws IOException {
    silent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    silent.createContext("/", unanswered::add);
    silent.start();
    return "http://127.0.0.1:" + silent.getAddress().getPort();
  }

  static BraintrustExporter exporter(String baseUrl, String apiKey) {
    return BraintrustExporter.builder(
            BraintrustClient.builder().apiKey(apiKey).baseUrl(baseUrl).build())
        .build();
  }

  @Test
  void aSecondProcessorShutdownIsDoneAtOnceWhileTheFirstWaitsOnASilentServer() throws IOException {
    BraintrustExporter exporter = exporter(silentServer(), "k");
    BraintrustSpanProcessor processor =
        BraintrustSpanProcessor.builder(exporter)
            .destination(DEST)
            .shutdownTimeout(SHUTDOWN_TIMEOUT)
            .build();
    provider = SdkTracerProvider.builder().addSpanProcessor(processor).build();
    provider.get("t").spanBuilder("stuck").startSpan().end();

    CompletableResultCode first = processor.shutdown();
    CompletableResultCode second = processor.shutdown();
    CompletableResultCode flush = processor.forceFlush();

    assertThat(second.isDone()).isTrue();
    assertThat(flush.isDone()).isTrue();
    assertThat(flush.isSuccess()).isTrue();
    assertThat(first.isDone()).as("the first shutdown waits for the silent server").isFalse();

    assertThat(first.join(30, TimeUnit.SECONDS).isDone()).isTrue();
    CompletableResultCode third = processor.shutdown();
    assertThat(third).as("once known, later calls get the first call's outcome").isSameAs(first);
  }

  @Test
  void aSecondExporterShutdownIsDoneAtOnceWhileTheFirstWaitsOnASilentServer() throws IOException {
    BraintrustExporter exporter = exporter(silentServer(), "k");
    BraintrustSpanExporter spanExporter =
        BraintrustSpanExporter.builder(exporter)
            .destination(DEST)
            .shutdownTimeout(SHUTDOWN_TIMEOUT)
            .build();
    provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spanExporter))
            .build();
    provider.get("t").spanBuilder("stuck").startSpan().end();

    CompletableResultCode first = spanExporter.shutdown();
    CompletableResultCode second = spanExporter.shutdown();
    CompletableResultCode flush = spanExporter.flush();

    assertThat(second.isDone()).isTrue();
    assertThat(flush.isDone()).isTrue();
    assertThat(flush.isSuccess()).isTrue();
    assertThat(first.isDone()).as("the first shutdown waits for the silent server").isFalse();

    assertThat(first.join(30, TimeUnit.SECONDS).isDone()).isTrue();
    assertThat(spanExporter.shutdown()).isSameAs(first);
  }

  @Test
  void afterShutdownTheProcessorFlushesAtOnceAndSendsNothingMore(BraintrustTestServer server) {
    BraintrustExporter exporter = exporter(server.baseUrl(), server.apiKey());
    BraintrustSpanProcessor processor =
        BraintrustSpanProcessor.builder(exporter)
            .destination(Destination.projectLogsByName("otel"))
            .build();
    provider = SdkTracerProvider.builder().addSpanProcessor(processor).build();
    Tracer t = provider.get("t");
    t.spanBuilder("before").startSpan().end();
    Span straddling = t.spanBuilder("straddling").startSpan();

    assertThat(processor.shutdown().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    long submitted = exporter.stats().submitted();
    straddling.end();
    t.spanBuilder("after").startSpan().end();
    CompletableResultCode flush = processor.forceFlush();

    assertThat(flush.isDone()).isTrue();
    assertThat(flush.isSuccess()).isTrue();
    assertThat(exporter.stats().submitted())
        .as("nothing enqueued after shutdown")
        .isEqualTo(submitted);
    assertThat(OtelBridgeTest.byName(server.projectLogs(server.projectId("otel"))))
        .containsOnlyKeys("before");
  }

  @Test
  void afterShutdownTheExporterFlushesAtOnceAndFailsExports(BraintrustTestServer server) {
    BraintrustExporter exporter = exporter(server.baseUrl(), server.apiKey());
    BraintrustSpanExporter spanExporter =
        BraintrustSpanExporter.builder(exporter)
            .destination(Destination.projectLogsByName("exported"))
            .build();
    provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spanExporter))
            .build();
    provider.get("t").spanBuilder("before").startSpan().end();

    assertThat(spanExporter.shutdown().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    long submitted = exporter.stats().submitted();
    provider.get("t").spanBuilder("after").startSpan().end();
    CompletableResultCode late = spanExporter.export(List.of());
    CompletableResultCode flush = spanExporter.flush();

    assertThat(late.isDone()).isTrue();
    assertThat(late.isSuccess()).isFalse();
    assertThat(flush.isDone()).isTrue();
    assertThat(flush.isSuccess()).isTrue();
    assertThat(exporter.stats().submitted())
        .as("nothing enqueued after shutdown")
        .isEqualTo(submitted);
    assertThat(OtelBridgeTest.byName(server.projectLogs(server.projectId("exported"))))
        .containsOnlyKeys("before");
  }
}

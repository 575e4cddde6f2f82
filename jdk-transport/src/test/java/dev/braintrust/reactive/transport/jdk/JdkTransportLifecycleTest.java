package dev.braintrust.reactive.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/**
 * The JDK transport's scope hook, its shutdown, and a server that takes requests but never answers.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class JdkTransportLifecycleTest {
  static final Duration T = Duration.ofSeconds(60);

  static EncodedBatch oneRow() {
    return EncodedBatch.of(List.of("{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8)));
  }

  static Throwable failure(Mono<?> call) {
    return call.map(Object.class::cast).onErrorResume(Mono::just).cast(Throwable.class).block(T);
  }

  @Test
  void everyRequestStartsInsideTheRequestScope(BraintrustTestServer server) {
    AtomicInteger scoped = new AtomicInteger();
    JdkTransport t =
        JdkTransport.builder()
            .apiKey(server.apiKey())
            .baseUrl(server.baseUrl())
            .requestScope(
                task -> {
                  scoped.incrementAndGet();
                  task.run();
                })
            .build();

    t.insertOnce(Destination.projectLogsByName("scoped"), oneRow()).block(T);

    // The project lookup and the insert: two requests, each started in the scope.
    assertThat(server.requests()).hasSize(2);
    assertThat(scoped).hasValue(2);
    t.shutdown().block(T);
  }

  @Test
  void aScopeThatDoesNotRunTheRequestFailsItSayingSo(BraintrustTestServer server) {
    JdkTransport t =
        JdkTransport.builder()
            .apiKey(server.apiKey())
            .baseUrl(server.baseUrl())
            .requestScope(task -> {})
            .build();

    assertThat(failure(t.insertOnce(Destination.projectLogs("p"), oneRow())))
        .hasMessageContaining("request scope did not run the request");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void afterShutdownRequestsAreRefusedWithoutReachingTheServer(BraintrustTestServer server) {
    JdkTransport t =
        JdkTransport.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    t.shutdown().block(T);

    assertThat(failure(t.insertOnce(Destination.projectLogs("p"), oneRow())))
        .hasMessageContaining("shut down");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void closeEndsByItsDeadlineWhenTheServerNeverAnswersAndCountsTheEvents() throws Exception {
    try (SilentServer silent = new SilentServer()) {
      JdkTransport t = JdkTransport.builder().apiKey("sk-test").baseUrl(silent.url()).build();
      BraintrustExporter exporter =
          BraintrustExporter.builder(t).shutdownTimeout(Duration.ofSeconds(2)).build();
      for (int i = 0; i < 10; i++) {
        Span s =
            Tracer.create(exporter, Destination.projectLogs("p")).startSpan("s" + i, SpanType.TASK);
        s.end();
      }

      CompletableFuture<Void> closed = CompletableFuture.runAsync(exporter::close);

      // Liveness, not timing: close() returns (the generous bound only keeps a hang from
      // blocking the build), and every event is accounted for as not delivered.
      closed.get(60, TimeUnit.SECONDS);
      ExporterStats stats = exporter.stats();
      assertThat(stats.delivered()).isZero();
      assertThat(stats.submitted()).isEqualTo(10);
      assertThat(stats.failed() + stats.droppedTotal()).isEqualTo(10);
      assertThat(silent.connected()).isTrue();
    }
  }
}

package dev.braintrust.reactive.spring;

import static dev.braintrust.reactive.spring.Rows.meta;
import static dev.braintrust.reactive.spring.Rows.name;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Shutdown as in production: {@code SpringApplication.run}, then {@code close()}, as the JVM's
 * shutdown hook does. Not {@code @SpringBootTest}, whose cached context keeps Reactor Netty's
 * shared event loops alive and would hide spans lost to their disposal. The flush interval is an
 * hour, so only the shutdown can have delivered what arrives.
 */
class GracefulShutdownTest {
  final BraintrustTestServer server = BraintrustTestServer.builder().build().start();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void closingTheContextDeliversTheSpansOfEveryRequestIncludingOneStillInFlight() throws Exception {
    ConfigurableApplicationContext app =
        TestApp.run(
            server.baseUrl(),
            "shutdown",
            "--braintrust.exporter.flush-interval=1h",
            "--spring.reactor.netty.shutdown-quiet-period=0s");
    // The production condition: Spring disposes the shared loops when the context stops.
    assertThat(app.getBean(ReactorResourceFactory.class).isUseGlobalResources()).isTrue();
    BraintrustExporter exporter = app.getBean(BraintrustExporter.class);
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://localhost:" + TestApp.port(app);
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/orders/s" + i)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
    CompletableFuture<HttpResponse<String>> inFlight =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "/slow/last")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(TestApp.SlowRequests.ENTERED.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Rows.of(server, "shutdown")).isEmpty();

    app.close();

    // Graceful shutdown let the last request finish; its span was delivered after it.
    assertThat(inFlight.get(10, TimeUnit.SECONDS).body()).isEqualTo("released");
    List<ObjectNode> rows = Rows.of(server, "shutdown");
    // Five spans per order (request, service, LLM, outgoing call, the call's server side) + the
    // slow one.
    assertThat(rows).hasSize(5 * 5 + 1);
    assertThat(rows)
        .filteredOn(r -> "/slow/last".equals(meta(r, "url.path").asText()))
        .singleElement()
        .satisfies(r -> assertThat(name(r)).isEqualTo("GET /slow/{id}"));
    ExporterStats stats = exporter.stats();
    assertThat(stats.delivered()).isEqualTo(stats.submitted()).isEqualTo(26);
    assertThat(exporter.isShutdown()).isTrue();
  }

  @Test
  void theShutdownEndsByItsDeadlineWhenTheApiIsUnreachable() throws Exception {
    ConfigurableApplicationContext app =
        TestApp.run(
            server.baseUrl(),
            "unreachable",
            "--braintrust.exporter.flush-interval=1h",
            "--braintrust.exporter.shutdown-timeout=1s",
            "--spring.reactor.netty.shutdown-quiet-period=0s");
    BraintrustExporter exporter = app.getBean(BraintrustExporter.class);
    HttpClient http = HttpClient.newHttpClient();
    http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + TestApp.port(app) + "/missing/x"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    server.stop();

    long start = System.nanoTime();
    app.close();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(8));
    ExporterStats stats = exporter.stats();
    assertThat(stats.delivered()).isZero();
    assertThat(stats.droppedTotal() + stats.failed()).isEqualTo(stats.submitted()).isPositive();
  }
}

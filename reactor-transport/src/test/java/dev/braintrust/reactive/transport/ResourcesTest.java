package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.internal.EventEncoder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.test.StepVerifier;

/**
 * The client's event loops and connection pool: its own by default (so an application disposing
 * Reactor Netty's global ones first doesn't strand the last batches), the caller's when given. The
 * servers here are JDK servers: the testkit runs on the global loops these tests dispose.
 */
class ResourcesTest {
  static final Duration T = Duration.ofSeconds(10);
  static final Destination D = Destination.projectLogs("p");

  static EncodedBatch batch(String id) {
    return EncodedBatch.of(
        List.of(new EventEncoder().encode(BraintrustEvent.builder(D, id).input(1).build()).json()));
  }

  static BraintrustClientBuilder client(StubServer server) {
    return BraintrustClient.builder().apiKey("test-key").baseUrl(server.baseUrl());
  }

  @Test
  void anInsertInFlightWhenTheGlobalLoopsAreDisposedStillArrivesAndSoDoLaterOnes()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (StubServer server =
        new StubServer(
            r -> {
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return StubServer.Reply.json(200, "{\"row_ids\":[\"x\"]}");
            })) {
      // No retries: a request cut off with the global loops would otherwise be sent twice.
      BraintrustClient client = client(server).maxRetries(0).build();
      CompletableFuture<InsertResult> inFlight = client.insert(D, batch("in-flight")).toFuture();
      Await.until("the request to reach the server", () -> server.requests.size() == 1);

      // What Spring Boot's ReactorResourceFactory does on context close (with no quiet period).
      HttpResources.disposeLoopsAndConnectionsLater(Duration.ZERO, Duration.ofSeconds(5)).block(T);
      release.countDown();

      assertThat(inFlight.get(10, TimeUnit.SECONDS).rows()).isEqualTo(1);
      assertThat(client.insert(D, batch("after")).block(T).rows()).isEqualTo(1);
      assertThat(server.requests).hasSize(2);
      client.close();
    }
  }

  @Test
  void requestsRunOnTheClientsOwnDaemonThreadsWhichShutdownStops() throws Exception {
    try (StubServer server = StubServer.insertSink()) {
      BraintrustClient client = client(server).build();

      Thread io = client.insert(D, batch("a")).map(r -> Thread.currentThread()).block(T);

      assertThat(io.getName()).startsWith("braintrust-http");
      assertThat(io.isDaemon()).isTrue();
      client.shutdown().block(T);
      io.join(5_000);
      assertThat(io.isAlive()).isFalse();
    }
  }

  @Test
  void suppliedLoopsAndPoolAreUsedAndLeftRunningOnShutdown() throws Exception {
    LoopResources loops = LoopResources.create("caller-loops", 1, true);
    ConnectionProvider pool = ConnectionProvider.create("caller-pool", 2);
    try (StubServer server = StubServer.insertSink()) {
      BraintrustClient client =
          client(server).loopResources(loops).connectionProvider(pool).build();

      Thread io = client.insert(D, batch("a")).map(r -> Thread.currentThread()).block(T);
      client.shutdown().block(T);

      assertThat(io.getName()).startsWith("caller-loops");
      assertThat(loops.isDisposed()).isFalse();
      assertThat(pool.isDisposed()).isFalse();
      // Still usable by their owner: another client on the same loops and pool gets through.
      assertThat(
              client(server)
                  .loopResources(loops)
                  .connectionProvider(pool)
                  .build()
                  .insert(D, batch("b"))
                  .block(T)
                  .rows())
          .isEqualTo(1);
    } finally {
      pool.disposeLater().block(T);
      loops.disposeLater().block(T);
    }
  }

  @Test
  void shutdownAndCloseAreIdempotentAndLaterRequestsFailClearly() throws Exception {
    try (StubServer server = StubServer.insertSink()) {
      BraintrustClient client = client(server).build();
      client.insert(D, batch("a")).block(T);

      StepVerifier.create(client.shutdown()).verifyComplete();
      StepVerifier.create(client.shutdown()).verifyComplete();
      client.close();
      client.close();

      StepVerifier.create(client.insert(D, batch("b")))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(IllegalStateException.class)
                      .hasMessageStartingWith("this BraintrustClient is shut down"))
          .verify(T);
      assertThat(server.requests).hasSize(1);
    }
  }
}

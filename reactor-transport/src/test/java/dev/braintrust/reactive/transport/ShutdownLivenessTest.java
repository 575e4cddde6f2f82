package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExportException;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.DropReason;
import dev.braintrust.reactive.core.export.ExporterStats;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a server that accepts connections and never answers (a hung gateway), flush, close and
 * shutdown still finish by the exporter's deadline, and what was not delivered is counted.
 */
class ShutdownLivenessTest {
  ServerSocket silent;
  final List<Socket> held = new CopyOnWriteArrayList<>();
  Thread acceptor;

  @BeforeEach
  void startSilentServer() throws IOException {
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              try {
                while (!silent.isClosed()) {
                  // Read nothing, answer nothing: the request hangs until the client gives up.
                  held.add(silent.accept());
                }
              } catch (IOException closed) {
                // The test is over.
              }
            },
            "silent-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void stop() throws IOException {
    silent.close();
    for (Socket s : held) {
      s.close();
    }
  }

  BraintrustExporter exporter(Duration shutdownTimeout) {
    BraintrustClient client =
        BraintrustClient.builder()
            .apiKey("k")
            .baseUrl("http://127.0.0.1:" + silent.getLocalPort())
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    return BraintrustExporter.builder(client).shutdownTimeout(shutdownTimeout).build();
  }

  static BraintrustEvent event(int i) {
    return BraintrustEvent.builder(Destination.projectLogs("p"), "e" + i).input(i).build();
  }

  @Test
  void aFlushSubscribedBeforeCloseEndsByTheDeadlineNamingWhatWasLost() throws Exception {
    BraintrustExporter exporter = exporter(Duration.ofMillis(500));
    for (int i = 0; i < 3; i++) {
      exporter.accept(event(i));
    }
    CompletableFuture<Void> flushed = exporter.flush().toFuture();
    Await.until("the request reached the server", () -> !held.isEmpty());

    CompletableFuture.runAsync(exporter::close).get(10, TimeUnit.SECONDS);

    assertThat(flushed).isCompletedExceptionally();
    assertThatThrownBy(flushed::join)
        .hasCauseInstanceOf(BraintrustExportException.class)
        .hasMessageContaining("3 event(s) were not delivered");
    ExporterStats s = exporter.stats();
    assertThat(s.dropped(DropReason.IN_FLIGHT_AT_DEADLINE)).isEqualTo(3);
    assertThat(s.delivered() + s.failed() + s.droppedTotal()).isEqualTo(s.submitted());
  }

  @Test
  void aFlushAfterCloseAnswersAtOnceAndASecondCloseDoesNotWaitAgain() throws Exception {
    BraintrustExporter exporter = exporter(Duration.ofMillis(300));
    exporter.accept(event(1));
    exporter.flush().subscribe(null, e -> {});
    Await.until("the request reached the server", () -> !held.isEmpty());
    CompletableFuture.runAsync(exporter::close).get(10, TimeUnit.SECONDS);

    // Both would have hung before: the flush waited on a worker that was gone, the close waited
    // out its whole timeout again.
    assertThatThrownBy(() -> exporter.flush().block(Duration.ofSeconds(5)))
        .isInstanceOf(BraintrustExportException.class);
    CompletableFuture<Void> second = CompletableFuture.runAsync(exporter::close);
    second.get(10, TimeUnit.SECONDS);
    assertThat(exporter.shutdown(Duration.ofMinutes(1)).toFuture()).isCompleted();
  }
}

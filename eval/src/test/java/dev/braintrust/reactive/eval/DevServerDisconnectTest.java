package dev.braintrust.reactive.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/** When the Playground goes away mid-run, the run stops instead of running on for nobody. */
@ExtendWith(BraintrustTestServerExtension.class)
class DevServerDisconnectTest {
  static final Duration T = Duration.ofSeconds(30);

  @Test
  void closingTheEventStreamCancelsTheRunningTasks(BraintrustTestServer server) throws Exception {
    CountDownLatch hanging = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    RemoteEval slow =
        RemoteEval.builder("slow")
            .task(
                (input, params) ->
                    input.asText().equals("quick")
                        ? Mono.just("done")
                        : Mono.never()
                            .doOnSubscribe(s -> hanging.countDown())
                            .doOnCancel(cancelled::countDown))
            .scorer(Scorer.of("any", (c, out) -> 1.0))
            .build();
    String pid = server.createProject("playground");
    try (DevServer dev =
        DevServer.builder().evaluator(slow).port(0).apiUrl(server.baseUrl()).start()) {
      URI uri = URI.create(dev.url());
      String body =
          "{\"name\": \"slow\", \"data\": {\"data\": [{\"input\": \"quick\"}, {\"input\":"
              + " \"forever\"}]}, \"stream\": true}";
      try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
        socket.setSoTimeout((int) T.toMillis());
        OutputStream out = socket.getOutputStream();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(
            ("POST /eval HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer "
                    + server.apiKey()
                    + "\r\nx-bt-project-id: "
                    + pid
                    + "\r\nContent-Length: "
                    + bytes.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        // Read until the quick case's progress arrives: the stream is live.
        String line;
        boolean progress = false;
        while ((line = in.readLine()) != null) {
          if (line.equals("event: progress")) {
            progress = true;
            break;
          }
        }
        assertThat(progress).as("a progress event before the hanging case ends").isTrue();
        assertThat(hanging.await(T.toSeconds(), TimeUnit.SECONDS)).isTrue();
      }
      // The socket is closed: the hanging task must be cancelled.
      assertThat(cancelled.await(T.toSeconds(), TimeUnit.SECONDS))
          .as("the task was cancelled when the Playground went away")
          .isTrue();
    }
  }
}

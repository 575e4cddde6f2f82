package dev.braintrust.reactive.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/**
 * Which threads the JDK transport's answers complete on. The JDK client's {@code sendAsync} hands
 * every answer to {@code CompletableFuture}'s default executor: the application's common pool, or,
 * with two cores or fewer, a new thread per request. The transport sends on reused threads of its
 * own instead, and a cancelled request frees its thread.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class JdkTransportThreadsTest {
  static final Duration T = Duration.ofSeconds(60);

  static EncodedBatch oneRow(int i) {
    return EncodedBatch.of(
        List.of(("{\"id\":\"r" + i + "\",\"input\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void answersCompleteOnTheTransportsOwnThreadsReusedFromRequestToRequest(
      BraintrustTestServer server) {
    String pid = server.createProject("threads");
    JdkTransport t =
        JdkTransport.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    for (int i = 0; i < 5; i++) {
      // The first requests start the client's and the transport's threads.
      t.insertOnce(Destination.projectLogs(pid), oneRow(i)).block(T);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long startedBefore = threads.getTotalStartedThreadCount();

    Set<String> completedOn = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      completedOn.add(
          t.insertOnce(Destination.projectLogs(pid), oneRow(i))
              .map(r -> Thread.currentThread().getName())
              .block(T));
    }
    long started = threads.getTotalStartedThreadCount() - startedBefore;

    assertThat(completedOn).allSatisfy(name -> assertThat(name).startsWith("braintrust-http-"));
    // One request at a time needs one sender, reused: not a thread per request.
    assertThat(started).isLessThan(20);
    assertThat(server.rowIds("project_logs", pid)).hasSize(40);
    t.shutdown().block(T);
  }

  @Test
  void aRequestThatTimesOutFreesItsSenderThread() throws Exception {
    try (SilentServer silent = new SilentServer()) {
      JdkTransport t =
          JdkTransport.builder()
              .apiKey("sk-test")
              .baseUrl(silent.url())
              .requestTimeout(Duration.ofSeconds(1))
              .build();

      Throwable failure =
          t.insertOnce(Destination.projectLogs("p"), oneRow(0))
              .map(Object.class::cast)
              .onErrorResume(Mono::just)
              .cast(Throwable.class)
              .block(T);

      assertThat(failure).isInstanceOf(HttpTimeoutException.class);
      // The cancel interrupted the blocked send: its thread goes back to the pool (no frame of
      // the client's send left on any sender thread), well before the generous deadline.
      long deadline = System.nanoTime() + T.toNanos();
      while (sendersInSend() > 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(sendersInSend()).isZero();
      assertThat(silent.connected()).isTrue();
      t.shutdown().block(T);
    }
  }

  private static long sendersInSend() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().startsWith("braintrust-http-"))
        .filter(
            e ->
                List.of(e.getValue()).stream()
                    .anyMatch(
                        f ->
                            f.getClassName().startsWith("jdk.internal.net.http.HttpClient")
                                && f.getMethodName().equals("send")))
        .count();
  }
}

package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.export.RetryHint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Requests that get no answer, from a raw socket: a response that never comes and a connection
 * closed before the response. Both are a retryable {@link BraintrustConnectionException} naming the
 * request, not Netty's message-less exceptions, and are retried.
 */
class NoAnswerTest {
  static final Duration T = Duration.ofSeconds(30);

  /**
   * Reads each request's head, then holds the connection silently, or closes it after writing
   * {@code partial} (perhaps nothing).
   */
  static final class RawServer implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger requests = new AtomicInteger();
    final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    RawServer(boolean close) throws IOException {
      this(close, "");
    }

    RawServer(boolean close, String partial) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    Socket s = socket.accept();
                    readHead(s.getInputStream());
                    requests.incrementAndGet();
                    if (close) {
                      s.getOutputStream()
                          .write(partial.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                      s.getOutputStream().flush();
                      s.close();
                    } else {
                      held.add(s);
                    }
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "raw-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    static void readHead(InputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        b.append((char) c);
        if (b.toString().endsWith("\r\n\r\n")) {
          return;
        }
      }
    }

    String baseUrl() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  static BraintrustClient client(RawServer server, int retries) {
    return BraintrustClient.builder()
        .apiKey("test-key")
        .baseUrl(server.baseUrl())
        .requestTimeout(Duration.ofMillis(300))
        .maxRetries(retries)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(2))
        .build();
  }

  static void assertNoAnswer(Throwable e, String request) {
    assertThat(e).isInstanceOf(BraintrustConnectionException.class);
    assertThat(e.getMessage()).startsWith(request + " got no answer: ");
    assertThat(((RetryHint) e).isRetryable()).isTrue();
  }

  @Test
  void aResponseThatNeverComesIsARetriedConnectionFailureNamingTheRequest() throws Exception {
    try (RawServer server = new RawServer(false);
        BraintrustClient client = client(server, 1)) {
      Throwable e = client.projects().get("p1").materialize().block(T).getThrowable();

      assertNoAnswer(e, "GET /v1/project/p1");
      assertThat(e.getMessage()).contains("no response within the request timeout");
      assertThat(server.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void aConnectionClosedBeforeTheResponseIsARetriedConnectionFailureNamingTheRequest()
      throws Exception {
    try (RawServer server = new RawServer(true);
        BraintrustClient client = client(server, 1)) {
      Throwable e =
          client
              .rows(dev.braintrust.reactive.core.Destination.projectLogs("p"))
              .fetch()
              .then()
              .materialize()
              .block(T)
              .getThrowable();

      assertNoAnswer(e, "POST /v1/project_logs/p/fetch");
      assertThat(server.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void aBodyCutShortByAClosedConnectionIsARetriedConnectionFailureNamingTheRequest()
      throws Exception {
    String head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
    try (RawServer server = new RawServer(true, head + "{\"objects\":[{\"id\":");
        BraintrustClient client = client(server, 1)) {
      Throwable e = client.projects().list().then().materialize().block(T).getThrowable();

      assertNoAnswer(e, "GET /v1/project");
      assertThat(server.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void aStreamWhoseConnectionIsClosedBeforeTheResponseNamesTheRequest() throws Exception {
    try (RawServer server = new RawServer(true);
        BraintrustClient client = client(server, 0)) {
      Throwable e =
          client
              .invokeStream("f1", java.util.Map.of("input", "x"))
              .then()
              .materialize()
              .block(T)
              .getThrowable();

      assertNoAnswer(e, "POST /v1/function/f1/invoke");
    }
  }
}

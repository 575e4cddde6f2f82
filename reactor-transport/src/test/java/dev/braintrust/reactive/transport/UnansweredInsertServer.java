package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An insert endpoint on raw sockets that stores every row it reads (by id, as the real API does:
 * inserting an id again replaces the row) but leaves without an answer the first {@code unanswered}
 * attempts at every batch (told apart by its first row id): {@link Mode#LATE} holds the response
 * until the client gave up and closed the connection (an answer later than the client's timeout),
 * {@link Mode#CLOSE} closes the connection right after reading the body. Later attempts are
 * answered at once.
 */
final class UnansweredInsertServer implements AutoCloseable {
  enum Mode {
    LATE,
    CLOSE
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** How many times each row id arrived. */
  final Map<String, AtomicInteger> stored = new ConcurrentHashMap<>();

  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger unansweredSoFar = new AtomicInteger();
  private final Map<String, AtomicInteger> attemptsByBatch = new ConcurrentHashMap<>();
  private final Mode mode;
  private final int unanswered;
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  UnansweredInsertServer(Mode mode, int unanswered) throws IOException {
    this.mode = mode;
    this.unanswered = unanswered;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "unanswered-insert-server");
    t.setDaemon(true);
    t.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "unanswered-insert-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      // Only a fallback: a held request ends when the client closes, long before this.
      s.setSoTimeout(120_000);
      InputStream in = s.getInputStream();
      OutputStream os = s.getOutputStream();
      while (true) {
        byte[] body = KeepAliveServer.readRequest(in);
        requests.incrementAndGet();
        ArrayNode ids = MAPPER.createArrayNode();
        for (JsonNode e : MAPPER.readTree(body).path("events")) {
          String id = e.path("id").asText();
          stored.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
          ids.add(id);
        }
        String batch = ids.isEmpty() ? "" : ids.get(0).asText();
        if (attemptsByBatch.computeIfAbsent(batch, k -> new AtomicInteger()).incrementAndGet()
            <= unanswered) {
          unansweredSoFar.incrementAndGet();
          if (mode == Mode.LATE) {
            // Stored, but the answer waits for the client to give up: the end of input.
            while (in.read() >= 0) {
              // drain
            }
          }
          return;
        }
        byte[] out = ("{\"row_ids\":" + ids + "}").getBytes(StandardCharsets.UTF_8);
        os.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + out.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        os.write(out);
        os.flush();
      }
    } catch (IOException | RuntimeException gone) {
      // The client closed a kept-alive connection, or the test closed the server.
    } finally {
      open.remove(s);
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      s.close();
    }
  }
}

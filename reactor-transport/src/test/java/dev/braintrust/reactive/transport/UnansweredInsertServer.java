package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;
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
final class UnansweredInsertServer extends RawInsertServer {
  enum Mode {
    LATE,
    CLOSE
  }

  /** How many times each row id arrived. */
  final Map<String, AtomicInteger> stored = new ConcurrentHashMap<>();

  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger unansweredSoFar = new AtomicInteger();
  private final Map<String, AtomicInteger> attemptsByBatch = new ConcurrentHashMap<>();
  private final Mode mode;
  private final int unanswered;

  UnansweredInsertServer(Mode mode, int unanswered) throws IOException {
    super("unanswered-insert-server");
    this.mode = mode;
    this.unanswered = unanswered;
    start();
  }

  @Override
  void serve(Socket s) throws IOException {
    // Only a fallback: a held request ends when the client closes, long before this.
    s.setSoTimeout(120_000);
    InputStream in = s.getInputStream();
    OutputStream os = s.getOutputStream();
    while (true) {
      byte[] body = KeepAliveServer.readRequest(in);
      requests.incrementAndGet();
      ArrayNode ids = rowIds(body);
      for (JsonNode id : ids) {
        stored.computeIfAbsent(id.asText(), k -> new AtomicInteger()).incrementAndGet();
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
      acknowledge(os, ids);
    }
  }
}

package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scaffolding of the raw-socket insert servers that fail in ways the testkit can't: a loopback
 * listener, a thread per connection running {@link #serve}, and {@link #close()} cutting every open
 * connection. Subclasses say what one connection gets; they call {@link #start()} last in their
 * constructor, so no connection is served before their own fields are set.
 */
abstract class RawInsertServer implements AutoCloseable {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private final String name;
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  RawInsertServer(String name) throws IOException {
    this.name = name;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /** Starts accepting connections. */
  final void start() {
    Thread t = new Thread(this::acceptLoop, name);
    t.setDaemon(true);
    t.start();
  }

  final String baseUrl() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /** Called for each connection accepted, before it is served. */
  void accepted() {}

  /**
   * Serves one connection until it returns or throws; the socket is closed afterwards. An exception
   * means the client or the test closed it.
   */
  abstract void serve(Socket s) throws Exception;

  /** The ids of the rows in an insert body, in order. */
  static ArrayNode rowIds(byte[] body) throws IOException {
    ArrayNode ids = MAPPER.createArrayNode();
    for (JsonNode e : MAPPER.readTree(body).path("events")) {
      ids.add(e.path("id").asText());
    }
    return ids;
  }

  /** Answers an insert: 200 with those row ids, the connection kept alive. */
  static void acknowledge(OutputStream os, ArrayNode ids) throws IOException {
    byte[] out = ("{\"row_ids\":" + ids + "}").getBytes(StandardCharsets.UTF_8);
    os.write(
        ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + out.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    os.write(out);
    os.flush();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        open.add(s);
        accepted();
        Thread t = new Thread(() -> run(s), name + "-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void run(Socket s) {
    try (s) {
      serve(s);
    } catch (Exception gone) {
      // Closed by the client or the test.
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

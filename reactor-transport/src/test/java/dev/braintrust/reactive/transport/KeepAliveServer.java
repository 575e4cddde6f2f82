package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * An insert endpoint on raw sockets that answers one request per connection with a keep-alive
 * response, then behaves like a network that dropped the idle connection: {@link Mode#CLOSE} sends
 * a FIN (a load balancer that closes politely), {@link Mode#SILENT} keeps the socket but never
 * answers on it again (a NAT entry that timed out: nothing reaches either end). Counts connections
 * and the ones the client closed, so a test can wait for the client to notice.
 */
final class KeepAliveServer implements AutoCloseable {
  enum Mode {
    CLOSE,
    SILENT
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger closedByClient = new AtomicInteger();
  private final Mode mode;
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  KeepAliveServer(Mode mode) throws IOException {
    this.mode = mode;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "keep-alive-server");
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
        connections.incrementAndGet();
        Thread t = new Thread(() -> serve(s), "keep-alive-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      byte[] body = readRequest(in);
      requests.incrementAndGet();
      ArrayNode ids = MAPPER.createArrayNode();
      for (JsonNode e : MAPPER.readTree(body).path("events")) {
        ids.add(e.path("id").asText());
      }
      byte[] out = ("{\"row_ids\":" + ids + "}").getBytes(StandardCharsets.UTF_8);
      OutputStream os = s.getOutputStream();
      os.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + out.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      os.write(out);
      os.flush();
      if (mode == Mode.CLOSE) {
        s.shutdownOutput();
      }
      // Whatever comes next is swallowed unanswered; the end of input means the client closed.
      while (in.read() >= 0) {
        // drain
      }
      closedByClient.incrementAndGet();
    } catch (IOException | RuntimeException gone) {
      // Closed by the test.
    } finally {
      open.remove(s);
    }
  }

  static byte[] readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before a request");
      }
      head.write(b);
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    int length = -1;
    boolean chunked = false;
    boolean gzip = false;
    for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
      String l = line.toLowerCase(Locale.ROOT);
      if (l.startsWith("content-length:")) {
        length = Integer.parseInt(l.substring(15).trim());
      } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
        chunked = true;
      } else if (l.startsWith("content-encoding:") && l.contains("gzip")) {
        gzip = true;
      }
    }
    byte[] body;
    if (chunked) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        int size = Integer.parseInt(readLine(in).trim(), 16);
        if (size == 0) {
          readLine(in);
          break;
        }
        b.write(in.readNBytes(size));
        readLine(in);
      }
      body = b.toByteArray();
    } else {
      body = in.readNBytes(Math.max(0, length));
    }
    if (gzip) {
      try (InputStream g = new GZIPInputStream(new ByteArrayInputStream(body))) {
        body = g.readAllBytes();
      }
    }
    return body;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      s.close();
    }
  }
}

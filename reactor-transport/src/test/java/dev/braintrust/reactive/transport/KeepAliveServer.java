package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * An insert endpoint on raw sockets that answers one request per connection with a keep-alive
 * response, then behaves like a network that dropped the idle connection: {@link Mode#CLOSE} sends
 * a FIN (a load balancer that closes politely), {@link Mode#SILENT} keeps the socket but never
 * answers on it again (a NAT entry that timed out: nothing reaches either end). Counts connections
 * and the ones the client closed, so a test can wait for the client to notice.
 */
final class KeepAliveServer extends RawInsertServer {
  enum Mode {
    CLOSE,
    SILENT
  }

  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger closedByClient = new AtomicInteger();
  private final Mode mode;

  KeepAliveServer(Mode mode) throws IOException {
    super("keep-alive-server");
    this.mode = mode;
    start();
  }

  @Override
  void accepted() {
    connections.incrementAndGet();
  }

  @Override
  void serve(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] body = readRequest(in);
    requests.incrementAndGet();
    ArrayNode ids = rowIds(body);
    acknowledge(s.getOutputStream(), ids);
    if (mode == Mode.CLOSE) {
      s.shutdownOutput();
    }
    // Whatever comes next is swallowed unanswered; the end of input means the client closed.
    while (in.read() >= 0) {
      // drain
    }
    closedByClient.incrementAndGet();
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
}

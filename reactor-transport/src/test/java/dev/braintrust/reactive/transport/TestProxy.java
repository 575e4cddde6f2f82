package dev.braintrust.reactive.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A forward proxy on 127.0.0.1 with plain JDK sockets, as a corporate egress proxy behaves: {@code
 * CONNECT host:port} opens a tunnel (only to loopback targets), optionally after checking Basic
 * {@code Proxy-Authorization} (407 without it). Netty's HTTP proxy handler tunnels plain http too,
 * so a request in absolute form is answered 501. Every request line is recorded.
 */
final class TestProxy implements AutoCloseable {
  /** What the proxy was asked and answered. */
  record Seen(String method, String target, String proxyAuthorization, int status) {}

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final ServerSocket listener;
  private final String expectedAuthorization;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private TestProxy(String expectedAuthorization) throws IOException {
    this.expectedAuthorization = expectedAuthorization;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("test-proxy-accept", this::acceptLoop).start();
  }

  /** A proxy that lets anyone through. */
  static TestProxy open() throws IOException {
    return new TestProxy("");
  }

  /** A proxy that wants these Basic credentials. */
  static TestProxy requiring(String user, String password) throws IOException {
    return new TestProxy(basic(user, password));
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  int port() {
    return listener.getLocalPort();
  }

  ProxyOptionsBuilder options() {
    return ProxyOptions.builder().host("127.0.0.1").port(port());
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        open.add(client);
        daemon("test-proxy-conn", () -> serve(client)).start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      String head = readHead(in);
      if (head == null) {
        return;
      }
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      String auth = "";
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0
            && lines[i]
                .substring(0, colon)
                .trim()
                .toLowerCase(Locale.ROOT)
                .equals("proxy-authorization")) {
          auth = lines[i].substring(colon + 1).trim();
        }
      }
      String method = requestLine[0];
      String target = requestLine.length > 1 ? requestLine[1] : "";
      if (!method.equals("CONNECT")) {
        answer(out, method, target, auth, 501, "Not Implemented");
        return;
      }
      if (!expectedAuthorization.isEmpty() && !expectedAuthorization.equals(auth)) {
        seen.add(new Seen(method, target, auth, 407));
        out.write(
            ("HTTP/1.1 407 Proxy Authentication Required\r\n"
                    + "Proxy-Authenticate: Basic realm=\"test\"\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return;
      }
      int colon = target.lastIndexOf(':');
      String host = target.substring(0, colon);
      int port = Integer.parseInt(target.substring(colon + 1));
      if (!InetAddress.getByName(host).isLoopbackAddress()) {
        answer(out, method, target, auth, 403, "Forbidden");
        return;
      }
      try (Socket upstream = new Socket(host, port)) {
        open.add(upstream);
        seen.add(new Seen(method, target, auth, 200));
        out.write(
            "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        Thread up = daemon("test-proxy-up", () -> pump(in, upstream));
        up.start();
        pump(upstream.getInputStream(), client);
        up.join(5_000);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // The client or upstream went away; nothing to report.
    } finally {
      open.remove(client);
    }
  }

  private void answer(
      OutputStream out, String method, String target, String auth, int status, String reason)
      throws IOException {
    seen.add(new Seen(method, target, auth, status));
    out.write(
        ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Copies until the source ends, then half-closes the destination so the other side sees it. */
  private static void pump(InputStream from, Socket to) {
    byte[] buf = new byte[8192];
    try {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = from.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException gone) {
      // Either side closed.
    }
  }

  /** The request head up to the blank line, read byte by byte so no tunnel data is consumed. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > 16_384) {
        throw new IOException("request head too long");
      }
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Closing anyway.
      }
    }
  }
}

package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** An outage is an outage for every client, including one holding a kept-alive connection. */
class OutageTest {

  @Test
  void stopClosesKeptAliveConnectionsSoAPooledClientSeesTheOutage() throws Exception {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start();
        Socket socket = new Socket("127.0.0.1", server.port())) {
      // Generous: the read after stop() must end with the connection, not with this timeout.
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(request(server).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200");

      server.stop();

      // The same connection, kept alive: the stopped server must not answer on it.
      String second;
      try {
        out.write(request(server).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        second = readResponse(in);
      } catch (SocketException reset) {
        second = "";
      }
      assertThat(second).as("an answer on a connection kept alive across stop()").isEmpty();
    }
  }

  private static String request(BraintrustTestServer server) {
    return "GET /v1/project HTTP/1.1\r\n"
        + "Host: 127.0.0.1:"
        + server.port()
        + "\r\nAuthorization: Bearer "
        + server.apiKey()
        + "\r\nConnection: keep-alive\r\n\r\n";
  }

  /** The head and body of one response, or "" when the connection ended first. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    if (b == -1) {
      return "";
    }
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return text + new String(body, StandardCharsets.UTF_8);
  }
}

package dev.braintrust.reactive.instrumentation.bedrock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP server that reads each request's head and never answers: a call to it stays in
 * flight until its caller gives up, however slow the machine is. (A delayed answer from the testkit
 * races the caller's cancel once the delay is over; this one has no answer to race.)
 */
final class SilentServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<String> heads = new LinkedBlockingQueue<>();
  private final Thread acceptor;

  SilentServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::accept, "silent-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /**
   * The request line of the next request whose head has arrived, waiting up to 30 s for it.
   *
   * @throws AssertionError when none arrives in time
   */
  String awaitRequest() throws InterruptedException {
    String head = heads.poll(30, TimeUnit.SECONDS);
    if (head == null) {
      throw new AssertionError("no request reached the silent server in 30 s");
    }
    return head;
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        held.add(s);
        Thread reader = new Thread(() -> readHead(s), "silent-server-conn");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Reads up to the blank line ending the head, reports the request line, then holds on. */
  private void readHead(Socket s) {
    try {
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      int b;
      while (matched < end.length && (b = in.read()) >= 0) {
        head.write(b);
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      if (matched == end.length) {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        heads.add(text.substring(0, text.indexOf('\r')));
      }
      // Never answer; drain whatever else comes until the client or close() hangs up.
      byte[] sink = new byte[8192];
      while (in.read(sink) >= 0) {
        // discard
      }
    } catch (IOException e) {
      // the client hung up, or the server closed
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : held) {
      s.close();
    }
  }
}

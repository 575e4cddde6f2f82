package dev.braintrust.reactive.transport.jdk;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A loopback server that accepts connections and never reads or answers: a request that hangs. */
final class SilentServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> held = new CopyOnWriteArrayList<>();

  SilentServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  held.add(socket.accept()); // read nothing, answer nothing
                }
              } catch (IOException closed) {
                // The test is over.
              }
            },
            "silent-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The base URL to send to. */
  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  /** Whether a connection was made. */
  boolean connected() {
    return !held.isEmpty();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : held) {
      s.close();
    }
  }
}

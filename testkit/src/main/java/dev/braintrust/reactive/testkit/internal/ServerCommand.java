package dev.braintrust.reactive.testkit.internal;

import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The standalone test server behind {@code BraintrustTestServer.main}: parses the options, starts
 * the server, prints one "listening on" line that scripts and tests wait for, plays the outage if
 * one was asked for, and serves until the process is stopped.
 */
public final class ServerCommand {
  /** Exit code for a bad command line. */
  public static final int USAGE_ERROR = 2;

  /** Exit code when the server cannot start (e.g. the port is taken). */
  public static final int START_ERROR = 1;

  private static final String NAME = "braintrust testkit";
  // How often the outage checks the number of answered requests; a command line tool, not a test.
  private static final long POLL_MILLIS = 20;

  private final BraintrustTestServer server;
  private final PrintStream out;
  private final PrintStream err;
  // Guards the server's start and stop between the outage (main thread) and the shutdown hook.
  private final Object lock = new Object();
  private final CountDownLatch closed = new CountDownLatch(1);
  private boolean closing;

  private ServerCommand(BraintrustTestServer server, PrintStream out, PrintStream err) {
    this.server = server;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs the command: returns at once with 0 after {@code --help}, {@value #USAGE_ERROR} for a bad
   * option and {@value #START_ERROR} when the server cannot start; otherwise serves until the JVM
   * shuts down, then returns 0.
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public static int run(String[] args, PrintStream out, PrintStream err)
      throws InterruptedException {
    ServerCommandLine options;
    try {
      options = ServerCommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(NAME + ": " + e.getMessage());
      err.println("Run with --help to list the options.");
      err.flush();
      return USAGE_ERROR;
    }
    if (options.help()) {
      out.print(ServerCommandLine.USAGE);
      out.flush();
      return 0;
    }
    BraintrustTestServer server;
    try {
      server = options.build().start();
    } catch (RuntimeException e) {
      err.println(
          NAME + ": cannot listen on " + options.host + ":" + options.port + ": " + rootMessage(e));
      err.flush();
      return START_ERROR;
    }
    ServerCommand command = new ServerCommand(server, out, err);
    Runtime.getRuntime().addShutdownHook(new Thread(command::shutDown, "testkit-shutdown"));
    out.println(
        "Braintrust testkit server listening on "
            + server.baseUrl()
            + " (API key '"
            + server.apiKey()
            + "')");
    String faults = options.describeFaults();
    if (faults != null) {
      out.println("faults: " + faults);
    }
    out.flush();
    Duration outage = options.outage();
    if (outage != null) {
      command.outage(outage, options.outageAfter());
    }
    command.closed.await();
    return 0;
  }

  private void outage(Duration length, int afterRequests) throws InterruptedException {
    while (afterRequests > 0 && server.requests().size() < afterRequests) {
      if (closed.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
    synchronized (lock) {
      if (closing) {
        return;
      }
      int answered = server.requests().size();
      stopQuietly();
      // Printed once the port is closed, so whoever reads it can rely on connections failing.
      out.println(
          "outage: not listening for "
              + length.toMillis()
              + " ms (after "
              + answered
              + " requests)");
      out.flush();
    }
    if (closed.await(length.toMillis(), TimeUnit.MILLISECONDS)) {
      return;
    }
    synchronized (lock) {
      if (closing) {
        return;
      }
      try {
        server.start();
      } catch (RuntimeException e) {
        err.println(NAME + ": cannot listen again after the outage: " + rootMessage(e));
        err.flush();
        return;
      }
      out.println("outage over: listening on " + server.baseUrl() + " again");
      out.flush();
    }
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (RuntimeException e) {
      // Requests still held (e.g. by --silent) can outlast the stop's grace period; the port is
      // closed all the same.
      err.println(NAME + ": " + rootMessage(e));
      err.flush();
    }
  }

  private void shutDown() {
    synchronized (lock) {
      closing = true;
      try {
        server.close();
      } catch (RuntimeException e) {
        err.println(NAME + ": while stopping: " + rootMessage(e));
        err.flush();
      } finally {
        closed.countDown();
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    @Nullable String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}

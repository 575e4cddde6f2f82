package dev.braintrust.reactive.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standalone server ({@code BraintrustTestServer.main}) in a child JVM started with this JVM's
 * {@code java} and class path, as a user runs it from the command line. Keeps every line it prints
 * (stdout and stderr) so tests can wait for one and show them all when they fail.
 */
final class ServerProcess implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Pattern URL = Pattern.compile("listening on (http://[^ ]+)");

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  // Guarded by lines: the process closed its output, nothing more will come.
  private boolean ended;

  private ServerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "testkit-cli-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the server's main class with {@code args}. */
  static ServerProcess start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BraintrustTestServer.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    return new ServerProcess(pb.start());
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // The process ended; what it printed is kept.
    } finally {
      synchronized (lines) {
        ended = true;
        lines.notifyAll();
      }
    }
  }

  /**
   * Waits for a line containing {@code text} and returns it.
   *
   * @throws AssertionError with everything printed if none comes before the deadline or the process
   *     ends first
   */
  String awaitLine(String text) throws InterruptedException {
    return awaitLine(l -> l.contains(text), "a line containing '" + text + "'");
  }

  private String awaitLine(Predicate<String> p, String what) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    synchronized (lines) {
      int seen = 0;
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (p.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = end - System.nanoTime();
        if (left <= 0 || ended) {
          throw new AssertionError("no " + what + " within " + DEADLINE + "; output:\n" + output());
        }
        TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      }
    }
  }

  /** The base URL from the "listening on" line. */
  String awaitBaseUrl() throws InterruptedException {
    Matcher m = URL.matcher(awaitLine("listening on"));
    if (!m.find()) {
      throw new AssertionError("no URL in the listening line; output:\n" + output());
    }
    return m.group(1);
  }

  /** Waits for the process to exit on its own and returns its exit code. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("still running after " + DEADLINE + "; output:\n" + output());
    }
    long end = System.nanoTime() + DEADLINE.toNanos();
    synchronized (lines) {
      // The last lines may still be on their way through the pipe.
      while (!ended && System.nanoTime() < end) {
        TimeUnit.NANOSECONDS.timedWait(lines, end - System.nanoTime());
      }
    }
    return process.exitValue();
  }

  /** Everything printed so far. */
  String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }
}

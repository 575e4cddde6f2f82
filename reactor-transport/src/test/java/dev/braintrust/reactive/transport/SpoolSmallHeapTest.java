package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 64 MiB heap, gzip on, a byte budget of 8 MiB and rows of about 1 MB: an outage fills the spool, and
 * the drain once the server is back delivers every row without an {@code OutOfMemoryError}, run
 * after run, with the live heap (after a collection) within the bound docs/spool.md states.
 */
class SpoolSmallHeapTest {
  static final int RUNS = 5;
  static final int EVENTS = 24;
  // Rows of about 1 MB: each fits one G1 region of a 64 MiB heap, so the live heap measured (in
  // regions) is close to the bytes of the objects held.
  static final int ROW_BYTES = 1_000_000;
  static final long CAPACITY_BYTES = 8L * 1024 * 1024;
  @TempDir Path tmp;

  @Test
  void drainingAnOutageWithGzipAt64MiBOfHeapDeliversEverythingWithoutRunningOutOfMemory()
      throws Exception {
    List<List<String>> times = new ArrayList<>();
    String measured = "";
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().retainRows(false).build().start()) {
      for (int run = 0; run < RUNS; run++) {
        String pid = server.createProject("small-heap-" + run);
        Path dir = Files.createDirectories(tmp.resolve("spool-" + run));
        server.stop();
        Process child =
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m",
                    "-XX:+UseG1GC",
                    "-XX:+ExitOnOutOfMemoryError",
                    "-cp",
                    System.getProperty("java.class.path"),
                    SpoolDrainProbe.class.getName(),
                    server.baseUrl(),
                    server.apiKey(),
                    pid,
                    dir.toString(),
                    Integer.toString(EVENTS),
                    Integer.toString(ROW_BYTES),
                    Long.toString(CAPACITY_BYTES),
                    // The first run also measures the live heap (full collections slow it down).
                    run == 0 ? "measure" : "plain")
                .redirectErrorStream(true)
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuilder output = new StringBuilder();
        Thread reader =
            new Thread(
                () -> {
                  try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                      synchronized (output) {
                        output.append(l).append('\n');
                      }
                      lines.add(l);
                    }
                  } catch (Exception e) {
                    // The child ended.
                  }
                },
                "probe-output");
        reader.setDaemon(true);
        reader.start();
        try {
          awaitLine(lines, "spooled ", child, output);
          server.start();
          try (OutputStream in = child.getOutputStream()) {
            in.write('\n');
          }
          assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child's drain ends").isTrue();
          reader.join(30_000);
          String out;
          synchronized (output) {
            out = output.toString();
          }
          assertThat(out).doesNotContain("OutOfMemoryError").doesNotContain("GCLocker");
          assertThat(child.exitValue()).as("exit code; output:%n%s", out).isZero();
          assertThat(out).contains("delivered " + EVENTS + " failed 0 dropped 0");
          assertThat(server.rowIds("project_logs", pid)).hasSize(EVENTS);
          if (run == 0) {
            measured = out;
          }
          times.add(out.lines().filter(l -> l.contains(" ms")).toList());
        } finally {
          child.destroyForcibly();
        }
      }
    }
    long[] heap = heap(measured);
    long held = heap[1] - heap[0];
    System.out.printf(
        "spool small heap: %d runs %s; live heap %d before the exporter, at most %d while it"
            + " worked: %.2f x capacityBytes%n",
        RUNS, times, heap[0], heap[1], held / (double) CAPACITY_BYTES);
    // docs/spool.md: what the exporter holds stays within 2 x capacityBytes plus 4 rows.
    assertThat(held).isLessThanOrEqualTo(2 * CAPACITY_BYTES + 4L * ROW_BYTES);
  }

  /** The baseline and peak live heap the measuring run printed. */
  static long[] heap(String out) {
    for (String l : out.split("\n")) {
      if (l.startsWith("live heap baseline ")) {
        String[] w = l.split(" ");
        return new long[] {Long.parseLong(w[3]), Long.parseLong(w[5])};
      }
    }
    throw new AssertionError("no heap figures in the child's output:\n" + out);
  }

  static void awaitLine(
      BlockingQueue<String> lines, String prefix, Process child, StringBuilder output)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (; ; ) {
      String l = lines.poll(100, TimeUnit.MILLISECONDS);
      if (l != null && l.startsWith(prefix)) {
        return;
      }
      if (l == null && (!child.isAlive() || System.nanoTime() - deadline > 0)) {
        synchronized (output) {
          throw new AssertionError("the child never printed '" + prefix + "':\n" + output);
        }
      }
    }
  }
}

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
 * A 64 MiB heap, gzip on, a byte budget of 8 MiB and rows of about 1 MB: an outage fills the spool,
 * and the drain once the server is back delivers every row without an {@code OutOfMemoryError}, run
 * after run, with the live heap (after a collection) within the bound docs/spool.md states.
 */
class SpoolSmallHeapTest {
  // Side by side, so the test takes about as long as one run; more runs are in docs/spool.md.
  static final int RUNS = 3;
  static final int EVENTS = 16;
  // Rows of about 1 MB: each fits one G1 region of a 64 MiB heap, so the live heap measured (in
  // regions) is close to the bytes of the objects held.
  static final int ROW_BYTES = 1_000_000;
  static final long CAPACITY_BYTES = 8L * 1024 * 1024;
  @TempDir Path tmp;

  /** A child JVM running {@link SpoolDrainProbe}, with its output collected. */
  static final class Child {
    final Process process;
    final String projectId;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder output = new StringBuilder();
    final Thread reader;

    Child(Process process, String projectId) {
      this.process = process;
      this.projectId = projectId;
      reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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
    }

    String output() {
      synchronized (output) {
        return output.toString();
      }
    }

    /** Waits for a line starting with {@code prefix}; fails if the child ends first. */
    void awaitLine(String prefix) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      for (; ; ) {
        String l = lines.poll(100, TimeUnit.MILLISECONDS);
        if (l != null && l.startsWith(prefix)) {
          return;
        }
        if (l == null && (!process.isAlive() || System.nanoTime() - deadline > 0)) {
          throw new AssertionError("the child never printed '" + prefix + "':\n" + output());
        }
      }
    }
  }

  @Test
  void drainingAnOutageWithGzipAt64MiBOfHeapDeliversEverythingWithoutRunningOutOfMemory()
      throws Exception {
    List<Child> children = new ArrayList<>();
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().retainRows(false).build().start()) {
      // The runs go side by side (one outage for all), which also loads the machine.
      List<String> projects = new ArrayList<>();
      for (int run = 0; run < RUNS; run++) {
        projects.add(server.createProject("small-heap-" + run));
      }
      server.stop();
      for (int run = 0; run < RUNS; run++) {
        Path dir = Files.createDirectories(tmp.resolve("spool-" + run));
        Process p =
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
                    projects.get(run),
                    dir.toString(),
                    Integer.toString(EVENTS),
                    Integer.toString(ROW_BYTES),
                    Long.toString(CAPACITY_BYTES),
                    // The first run also measures the live heap (full collections slow it down).
                    run == 0 ? "measure" : "plain")
                .redirectErrorStream(true)
                .start();
        children.add(new Child(p, projects.get(run)));
      }
      for (Child c : children) {
        c.awaitLine("spooled ");
      }
      server.start();
      for (Child c : children) {
        try (OutputStream in = c.process.getOutputStream()) {
          in.write('\n');
        }
      }
      List<List<String>> times = new ArrayList<>();
      for (Child c : children) {
        assertThat(c.process.waitFor(120, TimeUnit.SECONDS)).as("the child's drain ends").isTrue();
        c.reader.join(30_000);
        String out = c.output();
        assertThat(out).doesNotContain("OutOfMemoryError").doesNotContain("GCLocker");
        assertThat(c.process.exitValue()).as("exit code; output:%n%s", out).isZero();
      }
      for (Child c : children) {
        String out = c.output();
        assertThat(out).contains("delivered " + EVENTS + " failed 0 dropped 0");
        assertThat(server.rowIds("project_logs", c.projectId)).hasSize(EVENTS);
        times.add(out.lines().filter(l -> l.contains(" ms")).toList());
      }
      long[] heap = heap(children.get(0).output());
      long held = heap[1] - heap[0];
      System.out.printf(
          "spool small heap: %d runs %s; live heap %d before the exporter, at most %d while it"
              + " worked: %.2f x capacityBytes%n",
          RUNS, times, heap[0], heap[1], held / (double) CAPACITY_BYTES);
      // docs/spool.md: what the exporter holds stays within 4 x capacityBytes.
      assertThat(held).isLessThanOrEqualTo(4 * CAPACITY_BYTES);
    } finally {
      children.forEach(c -> c.process.destroyForcibly());
    }
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
}

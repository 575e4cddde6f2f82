package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.SpoolOptions;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.Fault;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process spooling spans is killed with SIGKILL mid-run; an exporter opened on its directory
 * afterwards delivers every row the dead one had accepted, each exactly once on the server.
 */
class SpoolKillTest {
  static final int PRODUCED = 100_000;
  static final int KILL_AT = 5_000;
  @TempDir Path dir;

  @Test
  void everyAcceptedRowArrivesExactlyOnceAfterTheProducerIsKilled() throws Exception {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      String pid = server.createProject("kill");
      // A throttling server, so the dead process leaves rows sent, in flight and unsent.
      server.faults().everyNth(4, Fault.status(503).onPathContaining("/insert"));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  SpoolKillProbe.class.getName(),
                  server.baseUrl(),
                  server.apiKey(),
                  pid,
                  dir.toString(),
                  Integer.toString(PRODUCED))
              .redirectError(
                  new File(System.getProperty("java.io.tmpdir"), "braintrust-spool-kill.log"))
              .start();
      BlockingQueue<Long> accepted = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> readCounts(child, accepted), "probe-output");
      reader.setDaemon(true);
      reader.start();

      // Killed once it has accepted a good share and delivered some of it: the rest is on disk.
      long seen = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (seen < KILL_AT || server.rowIds("project_logs", pid).size() < 2_000) {
        assertThat(System.nanoTime() - deadline).as("the child's progress").isNegative();
        Long n = accepted.poll(100, TimeUnit.MILLISECONDS);
        seen = n == null ? seen : Math.max(seen, n);
      }
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(30_000);
      for (Long n = accepted.poll(); n != null; n = accepted.poll()) {
        seen = Math.max(seen, n);
      }
      assertThat(segmentFiles()).as("rows left on disk by the dead process").isNotEmpty();
      int onServerBefore = server.rowIds("project_logs", pid).size();
      assertThat((long) onServerBefore).isLessThan(seen);

      server.faults().clear();
      BraintrustClient client =
          BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
      BraintrustExporter replay =
          BraintrustExporter.builder(client).spool(SpoolOptions.of(dir)).build();
      replay.flush().block(Duration.ofSeconds(60));
      replay.shutdown(Duration.ofSeconds(10)).block(Duration.ofSeconds(30));

      Set<String> ids = server.rowIds("project_logs", pid);
      for (long i = 0; i < seen; i++) {
        assertThat(ids).contains("k-" + i);
      }
      // Nothing but what the child produced, and each row once (the upsert by id absorbs rows
      // that were delivered but not yet acknowledged on disk when the child died).
      assertThat(ids).allMatch(id -> id.matches("k-[0-9]+") && parse(id) < PRODUCED);
      List<ObjectNode> rows = server.projectLogs(pid);
      Map<String, Integer> perId = new HashMap<>();
      rows.forEach(r -> perId.merge(r.get("id").asText(), 1, Integer::sum));
      assertThat(perId.values()).allMatch(n -> n == 1);
      assertThat(rows).hasSize(ids.size());
      ExporterStats s = replay.stats();
      assertThat(s.failed()).isZero();
      assertThat(s.droppedTotal()).isZero();
      assertThat(s.delivered()).isEqualTo(s.submitted()).isPositive();
      assertThat(segmentFiles()).isEmpty();
      System.out.printf(
          "spool kill: %d accepted before SIGKILL, %d on the server then, %d replayed, %d rows"
              + " now%n",
          seen, onServerBefore, s.submitted(), rows.size());
    }
  }

  static long parse(String id) {
    return Long.parseLong(id.substring(2));
  }

  List<Path> segmentFiles() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("segment-")).toList();
    }
  }

  static void readCounts(Process child, BlockingQueue<Long> out) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("accepted ")) {
          out.add(Long.parseLong(line.substring("accepted ".length()).trim()));
        }
      }
    } catch (Exception e) {
      // The child died mid-line: what was read is what counts.
    }
  }
}

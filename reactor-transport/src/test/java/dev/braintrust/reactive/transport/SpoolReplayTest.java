package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.SpoolOptions;
import dev.braintrust.reactive.core.export.internal.SpoolFormat;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer with one open segment (the default segment size, a short run) is killed with SIGKILL
 * while sending; the next exporter on its directory sends again exactly the rows past the
 * acknowledged position the producer saved, not the rows before it, and finishes the replay before
 * it sends rows of its own.
 *
 * <p>How many rows lie past that position depends on timing (a batch retried on a loaded machine
 * holds the position while later ones settle, as docs/spool.md says), so the test reads the
 * position off the disk after the kill and checks the replay against it, rather than against a
 * fixed count.
 */
class SpoolReplayTest {
  static final int PRODUCED = 100_000;
  // SpoolKillProbe's settings: 200 events a batch, the default 4 requests at a time; without a
  // slow batch the spool hands on at most a batch per request plus one before acknowledgements.
  static final int IN_FLIGHT_BOUND = (BraintrustExporter.DEFAULT_MAX_CONCURRENT_REQUESTS + 1) * 200;
  static final ObjectMapper JSON = new ObjectMapper();
  static final int NEW_EVENTS = 500;
  @TempDir Path dir;

  @Test
  void aKilledProducersRestartResendsAtMostTheBatchesInFlightAndReplaysBeforeItsOwnRows()
      throws Exception {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      String pid = server.createProject("replay");
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  SpoolKillProbe.class.getName(),
                  server.baseUrl(),
                  server.apiKey(),
                  pid,
                  dir.toString(),
                  Integer.toString(PRODUCED),
                  "0")
              .redirectError(
                  new File(System.getProperty("java.io.tmpdir"), "braintrust-spool-replay.log"))
              .start();
      BlockingQueue<Long> accepted = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> SpoolKillTest.readCounts(child, accepted), "probe-output");
      reader.setDaemon(true);
      reader.start();
      // Killed mid-run, with thousands of rows acknowledged, more on their way, and a saved
      // position past the first rows (a first batch retried on a loaded machine holds it back).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (server.rowIds("project_logs", pid).size() < 4_000 || !positionSaved(dir)) {
        assertThat(System.nanoTime() - deadline).as("the child's progress").isNegative();
        assertThat(child.isAlive()).as("the child runs").isTrue();
        accepted.poll(100, TimeUnit.MILLISECONDS);
      }
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      int requestsBefore = inserts(server).size();
      int deliveredBefore = server.rowIds("project_logs", pid).size();
      Set<String> pastPosition = idsPastSavedPosition(dir);

      BraintrustClient client =
          BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
      BraintrustExporter replay =
          BraintrustExporter.builder(client).spool(SpoolOptions.of(dir)).build();
      Destination dest = Destination.projectLogs(pid);
      for (int i = 0; i < NEW_EVENTS; i++) {
        replay.accept(BraintrustEvent.builder(dest, "new-" + i).input("q" + i).build());
      }
      replay.flush().block(Duration.ofSeconds(90));
      ExporterStats s = replay.stats();
      replay.shutdown(Duration.ofSeconds(10)).block(Duration.ofSeconds(30));
      assertThat(s.failed()).isZero();
      assertThat(s.droppedTotal()).isZero();

      // Sent again: rows the server had received before the kill that the restarted exporter
      // sends once more. Rows a loaded child re-sent before the kill after a request timeout are
      // not the replay's doing (a timed-out request is retried by design), so they do not count.
      List<RecordedRequest> all = inserts(server);
      Set<String> beforeKill = new HashSet<>();
      Set<String> afterRestart = new HashSet<>();
      Set<String> distinct = new HashSet<>();
      for (int i = 0; i < all.size(); i++) {
        for (JsonNode e : all.get(i).json().get("events")) {
          String id = e.get("id").asText();
          distinct.add(id);
          (i < requestsBefore ? beforeKill : afterRestart).add(id);
        }
      }
      Set<String> replayedIds = new HashSet<>(afterRestart);
      replayedIds.removeIf(id -> id.startsWith("new-"));
      afterRestart.retainAll(beforeKill);
      long resent = afterRestart.size();
      long replayed = s.submitted() - NEW_EVENTS;
      System.out.printf(
          "spool replay: %d rows on the server at the kill, %d past the saved position, %d"
              + " replayed, %d sent again (%d without a slow batch)%n",
          deliveredBefore, pastPosition.size(), replayed, resent, IN_FLIGHT_BOUND);
      assertThat(replayedIds)
          .as("rows the restarted exporter sent of the earlier run: those past the saved position")
          .isEqualTo(pastPosition);
      assertThat(replayed).as("rows read back from disk").isEqualTo(pastPosition.size());
      assertThat(afterRestart)
          .as("rows the server had before the kill and received again: only past the position")
          .isSubsetOf(pastPosition);
      assertThat(resent)
          .as("rows the server had before the kill, sent again after it: not all of them")
          .isLessThan(beforeKill.size());
      assertThat(distinct).hasSize(server.rowIds("project_logs", pid).size());

      // Every request after the kill with a replayed row comes before any with a new one.
      List<RecordedRequest> after = all.subList(requestsBefore, all.size());
      int lastReplayed = -1;
      int firstNew = Integer.MAX_VALUE;
      for (int i = 0; i < after.size(); i++) {
        for (JsonNode e : after.get(i).json().get("events")) {
          String id = e.get("id").asText();
          if (id.startsWith("new-")) {
            firstNew = Math.min(firstNew, i);
          } else {
            lastReplayed = i;
          }
        }
      }
      assertThat(firstNew).as("the first request with a new row").isNotEqualTo(Integer.MAX_VALUE);
      assertThat(lastReplayed)
          .as("the last request with a replayed row, before the first with a new one")
          .isLessThan(firstNew);
    }
  }

  /** Whether the spool saved an acknowledged position past its first segment's header. */
  static boolean positionSaved(Path dir) {
    try {
      long[] at = SpoolFormat.decodeAcked(Files.readAllBytes(dir.resolve(SpoolFormat.ACKED_FILE)));
      return at != null && at[1] > SpoolFormat.SEGMENT_HEADER;
    } catch (IOException notYet) {
      return false;
    }
  }

  /**
   * The ids of the complete records on disk past the saved position: in its segment from its offset
   * on, and in every later segment. A torn last record (the kill) is not one.
   */
  static Set<String> idsPastSavedPosition(Path dir) throws IOException {
    long[] at = SpoolFormat.decodeAcked(Files.readAllBytes(dir.resolve(SpoolFormat.ACKED_FILE)));
    assertThat(at).as("the saved position").isNotNull();
    Set<String> ids = new HashSet<>();
    List<Path> segments;
    try (Stream<Path> files = Files.list(dir)) {
      segments = files.filter(f -> SpoolFormat.segmentId(f.getFileName().toString()) >= 0).toList();
    }
    for (Path f : segments) {
      long id = SpoolFormat.segmentId(f.getFileName().toString());
      if (id < at[0]) {
        continue;
      }
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f));
      b.position((int) (id == at[0] ? at[1] : SpoolFormat.SEGMENT_HEADER));
      while (b.remaining() >= SpoolFormat.RECORD_HEADER) {
        int len = b.getInt();
        int crc = b.getInt();
        if (len <= 0 || len > b.remaining()) {
          break;
        }
        byte[] payload = new byte[len];
        b.get(payload);
        if (SpoolFormat.crc(payload, 0, len) != crc) {
          break;
        }
        ids.add(JSON.readTree(payload).path("row").path("id").asText());
      }
    }
    return ids;
  }

  static List<RecordedRequest> inserts(BraintrustTestServer server) {
    List<RecordedRequest> out = new ArrayList<>();
    for (RecordedRequest r : server.requests("/insert")) {
      if (r.status() >= 200 && r.status() < 300) {
        out.add(r);
      }
    }
    return out;
  }
}

package dev.braintrust.reactive.core.export;

import static dev.braintrust.reactive.core.export.SpoolFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * What was acknowledged is not sent again by the next exporter, even from the segment still being
 * written; and the next exporter's own rows wait until the replay is resolved.
 */
class SpoolProgressTest {
  @TempDir Path dir;
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  BraintrustExporterBuilder exporter(Transport t) {
    return BraintrustExporter.builder(t)
        .scheduler(vts)
        .random(() -> 1.0)
        .maxBatchEvents(10)
        .maxConcurrentRequests(4)
        // One segment holds every row of these tests: it is still open when the run ends.
        .spool(SpoolOptions.builder(dir).segmentBytes(1 << 20).maxDiskBytes(4 << 20).build());
  }

  /** A transport answering the first {@code acked} batches and holding the rest unanswered. */
  static final class AckingFirst implements Transport {
    final int acked;
    final List<String> sent = new CopyOnWriteArrayList<>();
    int batches;

    AckingFirst(int acked) {
      this.acked = acked;
    }

    @Override
    public synchronized Mono<InsertResult> insertOnce(Destination d, EncodedBatch b) {
      b.rows().forEach(r -> sent.add(SpoolFixture.idOf(r)));
      return batches++ < acked
          ? Mono.just(InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0))
          : Mono.never();
    }
  }

  static List<String> sentAfter(List<List<String>> requests, int from) {
    // A copy first: requests may be added meanwhile, which a view of a live list would refuse.
    List<List<String>> now = new ArrayList<>(requests);
    List<String> out = new ArrayList<>();
    now.subList(from, now.size()).forEach(out::addAll);
    return out;
  }

  static void answerAll(List<Sinks.One<InsertResult>> held, List<List<String>> requests) {
    for (int i = 0; i < held.size(); i++) {
      held.get(i).tryEmitValue(InsertResult.of(requests.get(i).size(), 1, 1, 1, 0));
    }
  }

  @Test
  void rowsAcknowledgedFromTheOpenSegmentAreNotSentAgainByTheNextExporter() throws Exception {
    AckingFirst first = new AckingFirst(3);
    BraintrustExporter a = exporter(first).build();
    for (String id : SpoolTest.ids("p", 50)) {
      a.accept(event(id));
    }
    a.flush().subscribe(null, e -> {});
    Await.until("five batches sent, three acknowledged", () -> first.sent.size() == 50);
    Await.until("three acknowledged", () -> a.stats().delivered() == 30);
    SpoolFixture.shutdownPastDeadline(a, vts);
    assertThat(SpoolFixture.segments(dir)).hasSize(1);

    SpoolFixture.Acking second = new SpoolFixture.Acking();
    BraintrustExporter b = exporter(second).build();
    StepVerifier.create(b.flush()).expectComplete().verify(Duration.ofSeconds(20));
    b.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(20));
    // Only the two batches that were in flight: the first three were acknowledged.
    assertThat(second.ids).containsExactlyElementsOf(SpoolTest.ids("p", 50).subList(30, 50));
    assertThat(SpoolFixture.segments(dir)).isEmpty();
  }

  @Test
  void theNextExportersOwnRowsAreSentOnlyOnceTheReplayIsResolved() throws Exception {
    BraintrustExporter a = exporter(SpoolFixture.NEVER).build();
    for (String id : SpoolTest.ids("old-", 25)) {
      a.accept(event(id));
    }
    Await.until("the spool to write every event", () -> a.stats().accepted() == 25);
    SpoolFixture.shutdownPastDeadline(a, vts);

    // The replay's requests are held until the test answers them.
    List<Sinks.One<InsertResult>> held = new CopyOnWriteArrayList<>();
    List<List<String>> requests = new CopyOnWriteArrayList<>();
    Transport holding =
        (d, batch) -> {
          List<String> ids = new ArrayList<>();
          batch.rows().forEach(r -> ids.add(SpoolFixture.idOf(r)));
          requests.add(ids);
          Sinks.One<InsertResult> answer = Sinks.one();
          held.add(answer);
          return answer.asMono();
        };
    BraintrustExporter b = exporter(holding).build();
    for (String id : SpoolTest.ids("new-", 5)) {
      b.accept(event(id));
    }
    Await.until("the new rows written", () -> b.stats().accepted() == 30);
    b.flush().subscribe(null, e -> {});
    Await.until("the replayed rows sent", () -> requests.size() == 3);
    // Three batches of replayed rows are in flight, with room for more: none of the new rows go.
    vts.advanceTimeBy(Duration.ofSeconds(5));
    assertThat(requests)
        .hasSize(3)
        .allMatch(ids -> ids.stream().allMatch(i -> i.startsWith("old-")));

    answerAll(held, requests);
    Await.until(
        "the new rows sent once the replay is acknowledged",
        () -> {
          vts.advanceTimeBy(Duration.ofSeconds(1));
          return sentAfter(requests, 3).size() == 5;
        });
    assertThat(sentAfter(requests, 3)).containsExactlyElementsOf(SpoolTest.ids("new-", 5));
    answerAll(held, requests);
    SpoolFixture.shutdownPastDeadline(b, vts);
  }
}

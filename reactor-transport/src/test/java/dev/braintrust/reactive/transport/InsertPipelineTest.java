package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.DropReason;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The exporter and the Reactor Netty client together, against testkit over loopback. */
@ExtendWith(BraintrustTestServerExtension.class)
class InsertPipelineTest {

  static BraintrustClientBuilder client(BraintrustTestServer server) {
    return BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl());
  }

  static BraintrustEvent event(Destination d, String id) {
    return BraintrustEvent.builder(d, id)
        .input(Map.of("prompt", "question " + id))
        .output("answer " + id)
        .metric("tokens", 12)
        .build();
  }

  static Set<String> storedIds(List<ObjectNode> rows) {
    Set<String> ids = new HashSet<>();
    rows.forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  @Test
  void hundredThousandEventsFromEightThreadsArriveExactlyOnceInBoundedGzipBatches(
      BraintrustTestServer server) throws Exception {
    String pid = server.createProject("load");
    Destination dest = Destination.projectLogs(pid);
    int threads = 8;
    int perThread = 12_500;
    int maxEvents = 500;
    long maxBytes = 64 * 1024;
    BraintrustExporter exporter =
        BraintrustExporter.builder(client(server).build())
            .capacity(20_000)
            .maxBatchEvents(maxEvents)
            .maxBatchBytes(maxBytes)
            .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(60)))
            .build();

    Producers.run(
        threads,
        perThread,
        Duration.ofSeconds(60),
        (thread, i) -> exporter.accept(event(dest, thread + "-" + i)));
    exporter.flush().block(Duration.ofSeconds(60));
    exporter.close();

    int total = threads * perThread;
    List<ObjectNode> rows = server.projectLogs(pid);
    assertThat(rows).hasSize(total);
    assertThat(storedIds(rows)).hasSize(total).contains("0-0", "7-12499");
    ExporterStats stats = exporter.stats();
    assertThat(stats.delivered()).isEqualTo(total);
    assertThat(stats.droppedTotal()).isZero();

    long eventsInRequests = 0;
    for (RecordedRequest r : server.requests("/insert")) {
      assertThat(r.header("content-encoding")).isEqualTo("gzip");
      assertThat(r.wireBytes()).isLessThan(r.body().length);
      JsonNode events = r.json().get("events");
      assertThat(events.size()).isLessThanOrEqualTo(maxEvents);
      assertThat((long) r.body().length).isLessThanOrEqualTo(maxBytes);
      eventsInRequests += events.size();
    }
    assertThat(eventsInRequests).isEqualTo(total);
  }

  @Test
  void rateLimitThenServerErrorThenSuccessLosesAndDuplicatesNothing(BraintrustTestServer server) {
    String pid = server.createProject("retry");
    String path = "/v1/project_logs/" + pid + "/insert";
    server
        .faults()
        .enqueue(
            Fault.rateLimited(1).onPathContaining("/insert"),
            Fault.status(500).onPathContaining("/insert"));
    VirtualTimeScheduler timer = VirtualTimeScheduler.create();
    BraintrustClient client = client(server).timerScheduler(timer).build();
    // The exporter owns insert retries: it pauses as a whole, on its own (here virtual) clock.
    BraintrustExporter exporter = BraintrustExporter.builder(client).scheduler(timer).build();
    Destination dest = Destination.projectLogs(pid);
    for (int i = 0; i < 3; i++) {
      exporter.accept(event(dest, "r" + i));
    }
    boolean[] flushed = new boolean[1];
    exporter.flush().subscribe(null, null, () -> flushed[0] = true);

    Await.until("the 429", () -> server.requests(path).size() == 1);
    long before = timer.now(TimeUnit.MILLISECONDS);
    Await.until(
        "the retry after Retry-After",
        () -> server.requests(path).size() == 2,
        () -> timer.advanceTimeBy(Duration.ofMillis(100)));
    long waited = timer.now(TimeUnit.MILLISECONDS) - before;
    Await.until(
        "the second retry",
        () -> server.requests(path).size() == 3,
        () -> timer.advanceTimeBy(Duration.ofMillis(100)));
    Await.until("flush", () -> flushed[0]);

    assertThat(waited).isGreaterThanOrEqualTo(1000);
    assertThat(server.requests(path))
        .extracting(RecordedRequest::status)
        .containsExactly(429, 500, 200);
    assertThat(server.projectLogs(pid)).hasSize(3);
    assertThat(exporter.stats().delivered()).isEqualTo(3);
    assertThat(exporter.meterRegistry().get("braintrust.requests.retries").counter().count())
        .isEqualTo(2.0);
    exporter.close();
    timer.dispose();
  }

  @Test
  void fullBufferPoliciesDropExactlyWhatTheyCountOverTheWire(BraintrustTestServer server) {
    String pid = server.createProject("policies");
    for (OverflowPolicy policy :
        List.of(OverflowPolicy.dropNewest(), OverflowPolicy.dropOldest())) {
      server.reset();
      VirtualTimeScheduler paused = VirtualTimeScheduler.create();
      // The virtual clock never advances and batches never fill, so nothing drains until flush.
      BraintrustExporter exporter =
          BraintrustExporter.builder(client(server).build())
              .scheduler(paused)
              .capacity(100)
              .maxBatchEvents(1000)
              .overflowPolicy(policy)
              .build();
      Destination dest = Destination.projectLogs(pid);
      for (int i = 0; i < 130; i++) {
        exporter.accept(event(dest, policy + "-" + i));
      }
      exporter.flush().block(Duration.ofSeconds(20));

      Set<String> ids = storedIds(server.projectLogs(pid));
      ExporterStats stats = exporter.stats();
      assertThat(ids).hasSize(100);
      assertThat(stats.droppedTotal()).isEqualTo(30);
      if (policy == OverflowPolicy.dropNewest()) {
        assertThat(stats.dropped(DropReason.QUEUE_FULL)).isEqualTo(30);
        assertThat(ids).contains(policy + "-0").doesNotContain(policy + "-100");
      } else {
        assertThat(stats.dropped(DropReason.EVICTED)).isEqualTo(30);
        assertThat(ids).contains(policy + "-129").doesNotContain(policy + "-29");
      }
      assertThat(stats.delivered() + stats.droppedTotal()).isEqualTo(stats.submitted());
      exporter.shutdown(Duration.ofSeconds(5)).block();
      paused.dispose();
    }
  }

  @Test
  void flushWaitsForTheServersAcknowledgement(BraintrustTestServer server) {
    String pid = server.createProject("slow");
    server.faults().enqueue(Fault.delay(Duration.ofMillis(300)).onPathContaining("/insert"));
    BraintrustExporter exporter = BraintrustExporter.builder(client(server).build()).build();
    exporter.accept(event(Destination.projectLogs(pid), "slow-1"));

    exporter.flush().block(Duration.ofSeconds(10));

    // The slow server stores the row before answering, so it is there the moment flush completes.
    assertThat(storedIds(server.projectLogs(pid))).containsExactly("slow-1");
    exporter.close();
  }

  @Test
  void closeDeliversEverythingAcceptedBeforeIt(BraintrustTestServer server) {
    String pid = server.createProject("close");
    BraintrustExporter exporter =
        BraintrustExporter.builder(client(server).build())
            .flushInterval(Duration.ofHours(1))
            .build();
    Destination dest = Destination.projectLogs(pid);
    for (int i = 0; i < 1234; i++) {
      exporter.accept(event(dest, "c" + i));
    }
    exporter.close();

    assertThat(server.projectLogs(pid)).hasSize(1234);
    assertThat(exporter.stats().pending()).isZero();
  }

  @Test
  void a415MakesTheClientFallBackToPlainBodiesForGood() {
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().acceptGzip(false).build().start()) {
      String pid = server.createProject("plain");
      BraintrustClient client = client(server).build();
      BraintrustExporter exporter = BraintrustExporter.builder(client).build();
      Destination dest = Destination.projectLogs(pid);
      exporter.accept(event(dest, "a"));
      exporter.flush().block(Duration.ofSeconds(10));
      exporter.accept(event(dest, "b"));
      exporter.flush().block(Duration.ofSeconds(10));

      assertThat(storedIds(server.projectLogs(pid))).containsExactlyInAnyOrder("a", "b");
      assertThat(server.requests("/insert"))
          .extracting(RecordedRequest::status)
          .containsExactly(415, 200, 200);
      assertThat(server.requests("/insert").get(2).header("content-encoding")).isNull();
      exporter.close();
    }
  }

  @Test
  void theClientSendsWhatItIsGivenInOneRequestAndLeavesCuttingToTheExporter(
      BraintrustTestServer server) {
    String pid = server.createProject("one-request");
    BraintrustClient client = client(server).maxRequestBytes(1_000).build();
    List<byte[]> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      rows.add(
          ("{\"id\":\"big-" + i + "\",\"input\":\"" + "x".repeat(100) + "\"}")
              .getBytes(StandardCharsets.UTF_8));
    }
    EncodedBatch batch = EncodedBatch.of(rows);

    InsertResult r =
        client.insert(Destination.projectLogs(pid), batch).block(Duration.ofSeconds(10));

    assertThat(batch.bodyBytes()).isGreaterThan(3_000);
    assertThat(client.maxRequestBytes()).isEqualTo(1_000);
    assertThat(r.rows()).isEqualTo(30);
    assertThat(server.requests("/insert"))
        .singleElement()
        .satisfies(req -> assertThat(req.status()).isEqualTo(200));
    client.close();
  }

  @Test
  void a413SplitsTheRequestUntilItFits() {
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().maxBodyBytes(2_000).build().start()) {
      String pid = server.createProject("split");
      // The exporter's batches are larger than the server takes: the 413s must split them.
      BraintrustExporter exporter =
          BraintrustExporter.builder(client(server).build()).maxBatchBytes(20_000).build();
      Destination dest = Destination.projectLogs(pid);
      for (int i = 0; i < 60; i++) {
        exporter.accept(event(dest, "s" + i));
      }
      exporter.flush().block(Duration.ofSeconds(20));

      assertThat(server.projectLogs(pid)).hasSize(60);
      assertThat(server.requests("/insert")).extracting(RecordedRequest::status).contains(413, 200);
      assertThat(exporter.stats().delivered()).isEqualTo(60);
      exporter.close();
    }
  }

  @Test
  void aNonRetryable4xxFailsTheBatchOnceWithTheServersText(BraintrustTestServer server) {
    String pid = server.createProject("bad");
    server
        .faults()
        .enqueue(
            Fault.status(400)
                .body("{\"error\":\"events[0].id is wrong\"}")
                .onPathContaining("/insert"));
    BraintrustExporter exporter = BraintrustExporter.builder(client(server).build()).build();
    exporter.accept(event(Destination.projectLogs(pid), "x"));

    Throwable error = exporter.flush().materialize().block(Duration.ofSeconds(10)).getThrowable();

    assertThat(error)
        .hasMessage(
            "1 event(s) were not delivered: POST /v1/project_logs/"
                + pid
                + "/insert failed with status 400: events[0].id is wrong");
    assertThat(server.requests("/insert")).hasSize(1);
    assertThat(exporter.stats().failed()).isEqualTo(1);
    exporter.close();
  }

  @Test
  void namedDestinationsAreResolvedOnceAndCached(BraintrustTestServer server) {
    BraintrustExporter exporter =
        BraintrustExporter.builder(client(server).build()).maxBatchEvents(5).build();
    Destination logs = Destination.projectLogsByName("named");
    Destination exp = Destination.experimentByName("named", "run-1");
    for (int i = 0; i < 20; i++) {
      exporter.accept(event(logs, "l" + i));
      exporter.accept(event(exp, "x" + i));
    }
    exporter.flush().block(Duration.ofSeconds(10));

    String pid = server.projectId("named");
    assertThat(server.projectLogs(pid)).hasSize(20);
    assertThat(server.experimentRows(server.experimentId(pid, "run-1"))).hasSize(20);
    List<String> creates = new ArrayList<>();
    server.requests().stream()
        .filter(r -> !r.path().endsWith("/insert"))
        .forEach(r -> creates.add(r.method() + " " + r.path()));
    assertThat(creates)
        .containsExactlyInAnyOrder("POST /v1/project", "POST /v1/project", "POST /v1/experiment");
    exporter.close();
  }
}

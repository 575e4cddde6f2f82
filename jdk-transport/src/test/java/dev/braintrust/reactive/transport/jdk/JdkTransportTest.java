package dev.braintrust.reactive.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.RetryHint;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.testkit.RecordedRequest;
import dev.braintrust.reactive.testkit.TestBlobs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JDK transport against the testkit's sockets: what arrives, in which shape, and what the
 * exporter counts when the server refuses, throttles, stalls or answers nonsense.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class JdkTransportTest {
  static final Duration T = Duration.ofSeconds(60);

  static JdkTransportBuilder transport(BraintrustTestServer server) {
    return JdkTransport.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl());
  }

  static void spans(Tracer tracer, int n) {
    for (int i = 0; i < n; i++) {
      Span s = tracer.startSpan("s" + i, SpanType.TASK);
      s.log(Log.builder().input(Map.of("i", i)).build());
      s.end();
    }
  }

  static Set<String> names(List<ObjectNode> rows) {
    return rows.stream()
        .map(r -> r.path("span_attributes").path("name").asText())
        .collect(Collectors.toSet());
  }

  static Set<String> expected(int n) {
    return IntStream.range(0, n).mapToObj(i -> "s" + i).collect(Collectors.toSet());
  }

  @Test
  void spansToAProjectByNameArriveGzippedWithTheKeyAndNameOfTheLibrary(
      BraintrustTestServer server) {
    try (BraintrustExporter exporter =
        BraintrustExporter.builder(transport(server).build()).build()) {
      spans(Tracer.create(exporter, Destination.projectLogsByName("jdk")), 50);
      exporter.flush().block(T);

      assertThat(names(server.projectLogs(server.projectId("jdk")))).isEqualTo(expected(50));
      List<RecordedRequest> inserts = server.requests("/insert");
      assertThat(inserts).isNotEmpty();
      for (RecordedRequest r : inserts) {
        assertThat(r.header("content-encoding")).isEqualTo("gzip");
        assertThat(r.header("authorization")).isEqualTo("Bearer " + server.apiKey());
        assertThat(r.header("user-agent")).startsWith("braintrust-reactive-java/");
        assertThat(r.wireBytes()).isLessThan(r.body().length);
      }
      ExporterStats stats = exporter.stats();
      assertThat(stats.delivered()).isEqualTo(50);
      assertThat(stats.failed()).isZero();
    }
  }

  @Test
  void experimentsAndOrgNameAndExtraHeadersGoWhereTheOfficialSdksSendThem(
      BraintrustTestServer server) {
    JdkTransport t = transport(server).orgName(server.orgName()).header("x-team", "search").build();
    try (BraintrustExporter exporter = BraintrustExporter.builder(t).build()) {
      spans(Tracer.create(exporter, Destination.experimentByName("proj", "exp")), 3);
      exporter.flush().block(T);

      String eid = server.experimentId(server.projectId("proj"), "exp");
      assertThat(names(server.experimentRows(eid))).isEqualTo(expected(3));
      RecordedRequest created = server.requests("/v1/project").get(0);
      assertThat(created.json().path("org_name").asText()).isEqualTo(server.orgName());
      for (RecordedRequest r : server.requests("/insert")) {
        assertThat(r.header("x-bt-org-name")).isEqualTo(server.orgName());
        assertThat(r.header("x-team")).isEqualTo("search");
      }
    }
  }

  @Test
  void oneRefusedRowAmongSixteenIsIsolatedAndTheOtherFifteenArrive(BraintrustTestServer server) {
    String pid = server.createProject("isolate");
    List<byte[]> rows = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      double score = i == 11 ? 1.5 : 0.5;
      rows.add(
          ("{\"id\":\"r" + i + "\",\"input\":" + i + ",\"scores\":{\"acc\":" + score + "}}")
              .getBytes(StandardCharsets.UTF_8));
    }
    JdkTransport t = transport(server).build();

    InsertResult r = t.insertOnce(Destination.projectLogs(pid), EncodedBatch.of(rows)).block(T);

    assertThat(r.rejected()).extracting(InsertResult.Rejected::index).containsExactly(11);
    assertThat(r.rejected().get(0).reason()).contains("scores.acc");
    assertThat(r.rows()).isEqualTo(15);
    Set<String> ids = new HashSet<>();
    IntStream.range(0, 16).filter(i -> i != 11).forEach(i -> ids.add("r" + i));
    assertThat(server.rowIds("project_logs", pid)).isEqualTo(ids);
    t.shutdown().block(T);
  }

  @Test
  void aServerThatRefusesGzipGetsPlainBodiesFromThenOn() {
    try (BraintrustTestServer server = BraintrustTestServer.builder().acceptGzip(false).build()) {
      server.start();
      try (BraintrustExporter exporter =
          BraintrustExporter.builder(transport(server).build()).build()) {
        Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("plain"));
        spans(tracer, 5);
        exporter.flush().block(T);

        assertThat(names(server.projectLogs(server.projectId("plain")))).isEqualTo(expected(5));
        List<RecordedRequest> inserts = server.requests("/insert");
        assertThat(inserts.get(0).status()).isEqualTo(415);
        assertThat(inserts.get(inserts.size() - 1).header("content-encoding")).isNull();
        assertThat(exporter.stats().failed()).isZero();
      }
    }
  }

  @Test
  void throttledAndUnansweredInsertsAreSentAgainAndNothingIsCountedFailed(
      BraintrustTestServer server) {
    server.faults().enqueue(Fault.rateLimited(1).onPathContaining("/insert"));
    // Longer than the request timeout: the first attempt gets no answer in time (the server
    // stores it late), and the exporter sends it again with the same ids.
    server.faults().enqueue(Fault.delay(Duration.ofSeconds(4)).onPathContaining("/insert"));
    JdkTransport t = transport(server).requestTimeout(Duration.ofSeconds(1)).build();
    try (BraintrustExporter exporter = BraintrustExporter.builder(t).build()) {
      spans(Tracer.create(exporter, Destination.projectLogsByName("retry")), 20);
      exporter.flush().block(T);

      assertThat(names(server.projectLogs(server.projectId("retry")))).isEqualTo(expected(20));
      ExporterStats stats = exporter.stats();
      assertThat(stats.delivered()).isEqualTo(20);
      assertThat(stats.failed()).isZero();
      assertThat(server.requests("/insert")).extracting(RecordedRequest::status).contains(429);
    }
  }

  @Test
  void aRefusalNamesTheRequestAndStatusWithoutTheApiKey(BraintrustTestServer server) {
    String pid = server.createProject("refused");
    server
        .faults()
        .enqueue(Fault.status(403).body("{\"error\":\"key " + server.apiKey() + " is revoked\"}"));
    JdkTransport t = transport(server).build();

    Throwable e =
        t.insertOnce(
                Destination.projectLogs(pid),
                EncodedBatch.of(List.of("{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8))))
            .map(Object.class::cast)
            .onErrorResume(x -> reactor.core.publisher.Mono.just(x))
            .cast(Throwable.class)
            .block(T);

    assertThat(e).isInstanceOf(RetryHint.class);
    assertThat(((RetryHint) e).isRetryable()).isFalse();
    assertThat(e.getMessage())
        .contains("POST /v1/project_logs/" + pid + "/insert", "403", "[redacted]")
        .doesNotContain(server.apiKey());
  }

  @Test
  void anAnswerThatIsNotAnInsertResponseIsAFailureNotADelivery(BraintrustTestServer server) {
    String pid = server.createProject("html");
    server.faults().enqueue(Fault.status(200).body("<html>maintenance</html>"));
    JdkTransport t = transport(server).build();

    Throwable e =
        t.insertOnce(
                Destination.projectLogs(pid),
                EncodedBatch.of(List.of("{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8))))
            .map(Object.class::cast)
            .onErrorResume(x -> reactor.core.publisher.Mono.just(x))
            .cast(Throwable.class)
            .block(T);

    assertThat(e.getMessage())
        .contains("expected an insert response with 'row_ids'", "maintenance");
    assertThat(server.rowIds("project_logs", pid)).isEmpty();
  }

  @Test
  void anAttachmentIsUploadedWithItsExactBytesAndTheRowCarriesItsReference(
      BraintrustTestServer server) {
    byte[] pdf = new byte[300_000];
    new Random(7).nextBytes(pdf);
    Attachment doc = Attachment.of(pdf, "application/pdf", "report.pdf");
    try (BraintrustExporter exporter =
        BraintrustExporter.builder(transport(server).build()).build()) {
      Span s =
          Tracer.create(exporter, Destination.projectLogsByName("att"))
              .startSpan("with-pdf", SpanType.TASK);
      s.log(Log.builder().input(Map.of("doc", doc)).build());
      s.end();
      exporter.flush().block(T);

      List<ObjectNode> rows = server.projectLogs(server.projectId("att"));
      assertThat(rows).hasSize(1);
      JsonNode ref = rows.get(0).path("input").path("doc");
      assertThat(ref.path("type").asText()).isEqualTo("braintrust_attachment");
      String key = ref.path("key").asText();
      assertThat(TestBlobs.sha256(TestBlobs.read(server, key))).isEqualTo(TestBlobs.sha256(pdf));
      assertThat(TestBlobs.status(server, key)).isEqualTo("done");
      RecordedRequest put =
          server.requests().stream()
              .filter(r -> r.method().equals("PUT"))
              .findFirst()
              .orElseThrow();
      assertThat(put.headers()).doesNotContainKey("authorization");
      assertThat(put.header("content-type")).isEqualTo("application/pdf");
      assertThat(exporter.attachmentStats().uploaded()).isEqualTo(1);
    }
  }

  @Test
  void badOptionsAreRefusedNamingWhatWasWrong() {
    JdkTransportBuilder b = JdkTransport.builder();
    assertThatThrownBy(b::build).hasMessageContaining("apiKey is required");
    assertThatThrownBy(() -> b.baseUrl("ftp://x")).hasMessageContaining("http or https");
    assertThatThrownBy(() -> b.baseUrl("https://x/?a=b")).hasMessageContaining("query");
    assertThatThrownBy(() -> b.header("Authorization", "x"))
        .hasMessageContaining("set by the transport");
    assertThatThrownBy(() -> b.header("bad name", "x")).hasMessageContaining("not an HTTP token");
    assertThatThrownBy(() -> b.header("x-ok", "a\nb")).hasMessageContaining("control characters");
    assertThatThrownBy(() -> b.gzipLevel(10)).hasMessageContaining("between 0 and 9");
    assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO))
        .hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> b.trustedCertificates(java.nio.file.Path.of("/nonexistent.pem")))
        .hasMessageContaining("/nonexistent.pem");
  }
}

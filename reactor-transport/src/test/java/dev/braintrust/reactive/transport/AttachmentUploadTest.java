package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentConverter;
import dev.braintrust.reactive.core.attachment.AttachmentReference;
import dev.braintrust.reactive.core.attachment.ExternalAttachment;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.DropReason;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.testkit.RecordedRequest;
import dev.braintrust.reactive.testkit.TestBlobs;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attachments end to end over the testkit's sockets: the row waits for its upload, carries the
 * reference, and the object store holds the exact bytes; failures keep the original content.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class AttachmentUploadTest {
  static final Duration T = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();

  static BraintrustClient client(BraintrustTestServer server) {
    return BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static ObjectNode onlyRow(BraintrustTestServer server, String project) {
    List<ObjectNode> rows = server.projectLogs(server.projectId(project));
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  @Test
  void aRowCarriesTheReferenceAndTheObjectStoreHoldsTheExactBytes(BraintrustTestServer server) {
    byte[] pdf = random(300_000, 1);
    Attachment doc = Attachment.of(pdf, "application/pdf", "report.pdf");
    BraintrustClient client = client(server);
    try (BraintrustExporter exporter = BraintrustExporter.builder(client).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("att"));
      Span s = tracer.startSpan("with-pdf", SpanType.TASK);
      s.log(Log.builder().input(Map.of("question", "summarize", "doc", doc)).build());
      s.end();
      exporter.flush().block(T);

      JsonNode ref = onlyRow(server, "att").path("input").path("doc");
      assertThat(ref.path("type").asText()).isEqualTo("braintrust_attachment");
      assertThat(ref.path("content_type").asText()).isEqualTo("application/pdf");
      assertThat(ref.path("filename").asText()).isEqualTo("report.pdf");
      assertThat(ref.path("key").asText()).isEqualTo(doc.reference().key());
      String key = ref.path("key").asText();
      assertThat(TestBlobs.sha256(TestBlobs.read(server, key))).isEqualTo(TestBlobs.sha256(pdf));
      assertThat(TestBlobs.status(server, key)).isEqualTo("done");
      assertThat(exporter.attachmentStats().uploaded()).isEqualTo(1);

      // Read back through the client, from the reference found in the fetched row.
      AttachmentReference found = AttachmentReference.findAll(onlyRow(server, "att")).get(0);
      assertThat(client.attachments().read(found).block(T)).isEqualTo(pdf);
      // The signed URL got none of the API's credentials.
      RecordedRequest put =
          server.requests().stream()
              .filter(r -> r.method().equals("PUT"))
              .findFirst()
              .orElseThrow();
      assertThat(put.headers()).doesNotContainKey("authorization");
      assertThat(put.headers().get("content-type")).isEqualTo("application/pdf");
    }
  }

  @Test
  void aTwentyMibPdfDoesNotMakeTheRowOversized(BraintrustTestServer server) {
    byte[] pdf = random(20 * 1024 * 1024, 2);
    try (BraintrustExporter exporter = BraintrustExporter.builder(client(server)).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("big"));
      Span s = tracer.startSpan("big-pdf", SpanType.TASK);
      s.log(Log.builder().input(Attachment.of(pdf, "application/pdf")).build());
      s.end();
      exporter.flush().block(T);

      JsonNode ref = onlyRow(server, "big").path("input");
      assertThat(ref.path("type").asText()).isEqualTo("braintrust_attachment");
      assertThat(ref.path("filename").asText()).isEqualTo("attachment.pdf");
      assertThat(TestBlobs.sha256(TestBlobs.read(server, ref.path("key").asText())))
          .isEqualTo(TestBlobs.sha256(pdf));
      ExporterStats stats = exporter.stats();
      assertThat(stats.dropped(DropReason.OVERSIZED)).isZero();
      assertThat(stats.delivered()).isEqualTo(stats.submitted());
    }
  }

  @Test
  void aFailedUploadKeepsTheOriginalContentCountsItAndLosesNothingElse(
      BraintrustTestServer server) {
    String dataUri =
        "data:image/png;base64," + Base64.getEncoder().encodeToString(random(2_000, 3));
    ObjectNode message = JSON.createObjectNode().put("role", "user");
    message
        .putArray("content")
        .addObject()
        .put("type", "image_url")
        .putObject("image_url")
        .put("url", dataUri);
    JsonNode converted = AttachmentConverter.convert(JSON.createArrayNode().add(message));
    server.faults().enqueue(Fault.status(403).onPathContaining("/blobs/"));
    try (BraintrustExporter exporter = BraintrustExporter.builder(client(server)).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("fail"));
      Span before = tracer.startSpan("before", SpanType.TASK);
      before.log(Log.builder().input("plain before").build());
      before.end();
      Span s = tracer.startSpan("with-image", SpanType.LLM);
      s.log(Log.builder().input(converted).build());
      s.end();
      Span after = tracer.startSpan("after", SpanType.TASK);
      after.log(Log.builder().input("plain after").build());
      after.end();
      exporter.flush().block(T);

      List<ObjectNode> rows = server.projectLogs(server.projectId("fail"));
      assertThat(rows).hasSize(3);
      JsonNode image =
          rows.stream()
              .filter(r -> r.path("span_attributes").path("name").asText().equals("with-image"))
              .findFirst()
              .orElseThrow()
              .path("input")
              .path(0)
              .path("content")
              .path(0)
              .path("image_url")
              .path("url");
      assertThat(image.asText()).isEqualTo(dataUri);
      assertThat(exporter.attachmentStats().uploadFailed()).isEqualTo(1);
      assertThat(
              exporter
                  .meterRegistry()
                  .get("braintrust.attachments.upload_failed")
                  .functionCounter()
                  .count())
          .isEqualTo(1.0);
      ExporterStats stats = exporter.stats();
      assertThat(stats.delivered()).isEqualTo(3);
      assertThat(stats.pending()).isZero();
      assertThat(stats.droppedTotal()).isZero();
      // The failure was recorded as the upload's status.
      String key =
          server.requests().stream()
              .filter(r -> r.path().equals("/attachment/status"))
              .map(r -> new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
              .filter(b -> b.contains("\"error\""))
              .findFirst()
              .orElseThrow();
      assertThat(key).contains("upload_status");
    }
  }

  @Test
  void anExporterOnASharedClientsIngestHandleUploadsToo(BraintrustTestServer server) {
    byte[] png = random(4_000, 9);
    try (BraintrustClient shared = client(server);
        BraintrustExporter exporter =
            BraintrustExporter.builder(shared.ingestTransport()).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("shared"));
      Span s = tracer.startSpan("png", SpanType.TASK);
      s.log(Log.builder().output(Attachment.of(png, "image/png")).build());
      s.end();
      exporter.flush().block(T);

      JsonNode ref = onlyRow(server, "shared").path("output");
      assertThat(ref.path("type").asText()).isEqualTo("braintrust_attachment");
      assertThat(TestBlobs.read(server, ref.path("key").asText())).isEqualTo(png);
    }
  }

  @Test
  void aServerErrorWhileRequestingTheSignedUrlIsRetried(BraintrustTestServer server) {
    byte[] png = random(5_000, 4);
    server.faults().enqueue(Fault.status(500).onPathContaining("/attachment"));
    try (BraintrustExporter exporter = BraintrustExporter.builder(client(server)).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("retry"));
      Span s = tracer.startSpan("png", SpanType.TASK);
      s.log(Log.builder().output(Attachment.of(png, "image/png")).build());
      s.end();
      exporter.flush().block(T);

      JsonNode ref = onlyRow(server, "retry").path("output");
      assertThat(ref.path("type").asText()).isEqualTo("braintrust_attachment");
      assertThat(TestBlobs.read(server, ref.path("key").asText())).isEqualTo(png);
      assertThat(exporter.attachmentStats().uploadFailed()).isZero();
    }
  }

  @Test
  void shutdownWithAStalledObjectStoreEndsByItsDeadlineAndSendsTheRowAsItWas(
      BraintrustTestServer server) {
    String original = "data:audio/wav;base64," + Base64.getEncoder().encodeToString(random(900, 5));
    JsonNode converted =
        AttachmentConverter.convert(JSON.createObjectNode().put("audio", original));
    server.faults().enqueue(Fault.delay(Duration.ofMinutes(5)).onPathContaining("/blobs/"));
    BraintrustExporter exporter = BraintrustExporter.builder(client(server)).build();
    Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("stall"));
    Span s = tracer.startSpan("audio", SpanType.TASK);
    s.log(Log.builder().input(converted).build());
    s.end();
    Await.until(
        "the upload reached the stalled store",
        () -> server.requests().stream().anyMatch(r -> r.path().equals("/attachment")));
    assertThat(exporter.stats().pending()).isEqualTo(1);

    exporter.shutdown(Duration.ofSeconds(6)).block(T);

    assertThat(onlyRow(server, "stall").path("input").path("audio").asText()).isEqualTo(original);
    assertThat(exporter.attachmentStats().uploadFailed()).isEqualTo(1);
    assertThat(exporter.stats().delivered()).isEqualTo(1);
  }

  @Test
  void aRowOverTheByteBudgetIsSentAtOnceWithItsOriginalContent(BraintrustTestServer server) {
    String original =
        "data:image/png;base64," + Base64.getEncoder().encodeToString(random(4_000, 6));
    JsonNode converted = AttachmentConverter.convert(JSON.createObjectNode().put("img", original));
    try (BraintrustExporter exporter =
        BraintrustExporter.builder(client(server)).attachmentUploads(1_000, 2).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("budget"));
      Span s = tracer.startSpan("too-big", SpanType.TASK);
      s.log(Log.builder().input(converted).build());
      s.end();
      exporter.flush().block(T);

      assertThat(onlyRow(server, "budget").path("input").path("img").asText()).isEqualTo(original);
      assertThat(exporter.attachmentStats().overBudget()).isEqualTo(1);
      assertThat(server.requests()).noneMatch(r -> r.path().startsWith("/attachment"));
    }
  }

  @Test
  void aFileAttachmentIsStreamedFromDiskAndStoredExactly(
      BraintrustTestServer server, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    byte[] wav = random(1_500_000, 7);
    java.nio.file.Path file = dir.resolve("take-1.wav");
    java.nio.file.Files.write(file, wav);
    try (BraintrustExporter exporter = BraintrustExporter.builder(client(server)).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("file"));
      Span s = tracer.startSpan("audio-file", SpanType.TASK);
      s.log(Log.builder().expected(Attachment.ofFile(file, "audio/wav")).build());
      s.end();
      exporter.flush().block(T);

      JsonNode ref = onlyRow(server, "file").path("expected");
      assertThat(ref.path("filename").asText()).isEqualTo("take-1.wav");
      assertThat(TestBlobs.sha256(TestBlobs.read(server, ref.path("key").asText())))
          .isEqualTo(TestBlobs.sha256(wav));
    }
  }

  @Test
  void aLateUpdateOfARowWaitingForItsUploadArrivesAfterIt(BraintrustTestServer server) {
    byte[] png = random(10_000, 8);
    server.faults().enqueue(Fault.delay(Duration.ofSeconds(2)).onPathContaining("/blobs/"));
    try (BraintrustExporter exporter = BraintrustExporter.builder(client(server)).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("order"));
      Span s = tracer.startSpan("scored", SpanType.TASK);
      s.log(Log.builder().input(Attachment.of(png, "image/png")).build());
      s.end();
      // The row is still held for its (slow) upload when the score comes.
      assertThat(exporter.attachmentStats().heldEvents()).isEqualTo(1);
      s.score("human", 1.0);
      assertThat(exporter.stats().pending()).isEqualTo(2);
      exporter.flush().block(T);

      ObjectNode row = onlyRow(server, "order");
      assertThat(row.path("input").path("type").asText()).isEqualTo("braintrust_attachment");
      assertThat(row.path("scores").path("human").asDouble()).isEqualTo(1.0);
      ExporterStats stats = exporter.stats();
      assertThat(stats.delivered()).isEqualTo(2);
      assertThat(stats.pending()).isZero();
    }
  }

  @Test
  void anExternalAttachmentIsWrittenAsItsReferenceWithoutAnUpload(BraintrustTestServer server) {
    ExternalAttachment ext =
        ExternalAttachment.of("https://example.com/scan.pdf", "application/pdf", "scan.pdf");
    try (BraintrustExporter exporter = BraintrustExporter.builder(client(server)).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("ext"));
      Span s = tracer.startSpan("ext", SpanType.TASK);
      s.log(Log.builder().metadata("scan", ext).build());
      s.end();
      exporter.flush().block(T);

      JsonNode ref = onlyRow(server, "ext").path("metadata").path("scan");
      assertThat(ref.path("type").asText()).isEqualTo("external_attachment");
      assertThat(ref.path("url").asText()).isEqualTo("https://example.com/scan.pdf");
      assertThat(server.requests()).noneMatch(r -> r.path().startsWith("/attachment"));
    }
  }
}

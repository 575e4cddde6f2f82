package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.testkit.internal.ServerCommandLine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An object store built with {@code retainBlobs(false)} records each upload's size and SHA-256 but
 * keeps none of its content; the default store keeps the content and answers the same digest.
 */
class BlobRetentionTest {
  private static final String ORG = "00000000-0000-4000-8000-000000000001";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(30))
          .build();

  /** Several MiB, so the body arrives in many chunks and is digested across them. */
  private static byte[] content() {
    byte[] b = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(b);
    return b;
  }

  @Test
  void aNonRetainingStoreReportsSizeAndChecksumButGivesNoContentBack() throws Exception {
    byte[] pdf = content();
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().retainBlobs(false).build().start()) {
      assertThat(upload(server, "doc-1", pdf)).isEqualTo(200);

      assertThat(TestBlobs.digest(server, "doc-1"))
          .isEqualTo(new TestBlobs.Digest(pdf.length, TestBlobs.sha256(pdf)));
      assertThatThrownBy(() -> TestBlobs.read(server, "doc-1"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("retainBlobs(false)")
          .hasMessageContaining("doc-1");
      HttpResponse<String> raw = get(server, "doc-1");
      assertThat(raw.statusCode()).isEqualTo(410);
      assertThat(raw.body()).contains("ContentNotRetained").contains(TestBlobs.sha256(pdf));
      assertThat(server.requests())
          .filteredOn(r -> r.method().equals("PUT"))
          .singleElement()
          .satisfies(r -> assertThat(r.wireBytes()).isEqualTo(pdf.length));
    }
  }

  @Test
  void theDefaultStoreKeepsTheContentAndReportsTheSameDigest() throws Exception {
    byte[] pdf = content();
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      assertThat(upload(server, "doc-2", pdf)).isEqualTo(200);

      assertThat(TestBlobs.read(server, "doc-2")).isEqualTo(pdf);
      assertThat(TestBlobs.digest(server, "doc-2"))
          .isEqualTo(new TestBlobs.Digest(pdf.length, TestBlobs.sha256(pdf)));
    }
  }

  @Test
  void theNoBlobContentOptionOfTheStandaloneServerBuildsANonRetainingStore() throws Exception {
    byte[] pdf = content();
    try (BraintrustTestServer server =
        ServerCommandLine.parse("--port", "0", "--no-blob-content").build().start()) {
      assertThat(upload(server, "doc-5", pdf)).isEqualTo(200);

      assertThat(TestBlobs.digest(server, "doc-5").sha256()).isEqualTo(TestBlobs.sha256(pdf));
      assertThat(get(server, "doc-5").statusCode()).isEqualTo(410);
    }
  }

  @Test
  void aRefusedUploadToANonRetainingStoreRecordsNothing() throws Exception {
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().retainBlobs(false).build().start()) {
      server.faults().enqueue(Fault.status(403).onPathContaining("/blobs/"));

      assertThat(upload(server, "doc-3", content())).isEqualTo(403);
      assertThatThrownBy(() -> TestBlobs.digest(server, "doc-3"))
          .isInstanceOf(NoSuchElementException.class)
          .hasMessageContaining("doc-3");
    }
  }

  @Test
  void anUploadWithoutTheSignatureIsRefusedByANonRetainingStore() throws Exception {
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().retainBlobs(false).build().start()) {
      signedUrl(server, "doc-4");
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(server.baseUrl() + "/blobs/doc-4"))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(content()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(403);
      assertThatThrownBy(() -> TestBlobs.digest(server, "doc-4"))
          .isInstanceOf(NoSuchElementException.class);
    }
  }

  /** Asks for a signed URL as the SDKs do, then PUTs {@code bytes} to it; the PUT's status. */
  private static int upload(BraintrustTestServer server, String key, byte[] bytes)
      throws IOException, InterruptedException {
    HttpRequest put =
        HttpRequest.newBuilder(URI.create(signedUrl(server, key)))
            .header("Content-Type", "application/pdf")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    return HTTP.send(put, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String signedUrl(BraintrustTestServer server, String key)
      throws IOException, InterruptedException {
    String body =
        JSON.writeValueAsString(
            Map.of(
                "key",
                key,
                "filename",
                key + ".pdf",
                "content_type",
                "application/pdf",
                "org_id",
                ORG));
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/attachment"))
                .header("Authorization", "Bearer " + server.apiKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("signedUrl").asText();
  }

  private static HttpResponse<String> get(BraintrustTestServer server, String key)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/blobs/" + key)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

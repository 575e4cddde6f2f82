package dev.braintrust.reactive.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.testkit.internal.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * What the test server's attachment object store holds, read over its own HTTP endpoints (as a test
 * would check a real bucket): the content uploaded under a key, and its recorded status.
 *
 * <pre>{@code
 * byte[] stored = TestBlobs.read(server, reference.key());
 * assertEquals(TestBlobs.sha256(original), TestBlobs.sha256(stored));
 * }</pre>
 *
 * <p>A server built with {@code retainBlobs(false)} keeps only each upload's size and SHA-256:
 * {@link #digest} still answers, {@link #read} fails saying so.
 *
 * <p>Fault injection reaches the store by path: {@code
 * Fault.status(403).onPathContaining("/blobs/")} refuses a signed URL, {@code
 * Fault.status(500).onPathContaining("/attachment")} fails the API calls, {@code Fault.delay(...)}
 * makes either slow.
 */
public final class TestBlobs {
  /**
   * What the store recorded of an upload, whether or not it kept the content.
   *
   * @param size the content's length in bytes
   * @param sha256 the content's SHA-256, lower-case hex (compare with {@link #sha256(byte[])})
   */
  public record Digest(long size, String sha256) {}

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestBlobs() {}

  /**
   * The content stored under {@code key}.
   *
   * @param server the server
   * @param key an attachment reference's key
   * @return the stored bytes
   * @throws NoSuchElementException if nothing is stored under the key
   * @throws IllegalStateException if the server keeps no content ({@code retainBlobs(false)})
   */
  public static byte[] read(BraintrustTestServer server, String key) {
    HttpResponse<byte[]> r =
        send(
            server.baseUrl() + "/blobs/" + enc(key),
            "GET",
            null,
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 404) {
      throw new NoSuchElementException("no attachment content stored under key " + key);
    }
    if (r.statusCode() == 410) {
      throw new IllegalStateException(
          "the test server keeps no attachment content (retainBlobs(false)); "
              + "use TestBlobs.digest for key "
              + key);
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException("reading blob " + key + ": HTTP " + r.statusCode());
    }
    return r.body();
  }

  /**
   * The size and SHA-256 of what was uploaded under {@code key}, also from a server that keeps no
   * content ({@code retainBlobs(false)}).
   *
   * @param server the server
   * @param key an attachment reference's key
   * @return the recorded size and checksum
   * @throws NoSuchElementException if nothing is stored under the key
   */
  public static Digest digest(BraintrustTestServer server, String key) {
    HttpResponse<Void> r =
        send(
            server.baseUrl() + "/blobs/" + enc(key),
            "HEAD",
            null,
            HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() == 404) {
      throw new NoSuchElementException("no attachment content stored under key " + key);
    }
    String size = r.headers().firstValue(BlobStore.SIZE_HEADER).orElse(null);
    String sha = r.headers().firstValue(BlobStore.SHA256_HEADER).orElse(null);
    if (r.statusCode() != 200 || size == null || sha == null) {
      throw new IllegalStateException("reading blob digest " + key + ": HTTP " + r.statusCode());
    }
    return new Digest(Long.parseLong(size), sha);
  }

  /**
   * The upload status recorded for {@code key} ({@code uploading}, {@code done} or {@code error}),
   * or null if no upload was ever requested for it.
   *
   * @param server the server
   * @param key an attachment reference's key
   * @return the recorded status, or null
   */
  public static @Nullable String status(BraintrustTestServer server, String key) {
    String url =
        server.baseUrl()
            + "/attachment?org_id=00000000-0000-4000-8000-000000000001&key="
            + enc(key);
    HttpResponse<String> r =
        send(url, "GET", server.apiKey(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(r.body());
      return n.path("status").path("upload_status").asText(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The SHA-256 of {@code bytes}, in hex, to compare content.
   *
   * @param bytes the content
   * @return its SHA-256 in lower-case hex
   */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The SHA-256 of every inline medium in {@code requests} (each text value that is a base64 data
   * URI, each {@code {"type": "base64", "data"}} source), decoded, sorted: what the object store
   * should hold once the rows' attachments are uploaded.
   *
   * @param requests provider requests, e.g. an {@link LlmSpanCase}'s
   * @return the checksums, sorted
   */
  public static List<String> inlineMediaSha256(List<? extends JsonNode> requests) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : requests) {
      collect(r, out);
    }
    Collections.sort(out);
    return out;
  }

  private static void collect(JsonNode n, List<String> out) {
    if (n.isTextual() && n.asText().startsWith("data:") && n.asText().contains(";base64,")) {
      String s = n.asText();
      out.add(sha256(Base64.getMimeDecoder().decode(s.substring(s.indexOf(',') + 1))));
    } else if (n.isObject()
        && n.path("type").asText().equals("base64")
        && n.path("data").isTextual()) {
      out.add(sha256(Base64.getMimeDecoder().decode(n.get("data").asText())));
    } else {
      n.forEach(c -> collect(c, out));
    }
  }

  private static <T> HttpResponse<T> send(
      String url, String method, @Nullable String apiKey, HttpResponse.BodyHandler<T> handler) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody());
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    try {
      return HTTP.send(b.build(), handler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading " + url, e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

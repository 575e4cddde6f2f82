package dev.braintrust.reactive.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory object store behind the attachment endpoints (apart from {@link ObjectStore}, which
 * holds API objects): content by key, written by a {@code PUT} to the signed URL {@code POST
 * /attachment} handed out, read by a {@code GET} of the download URL. Served under {@link #PREFIX}
 * without the API key, as a real signed URL is; a PUT needs the URL's signature (else 403).
 *
 * <p>Every answer about a stored object carries its size and SHA-256 ({@link #SIZE_HEADER}, {@link
 * #SHA256_HEADER}; {@code HEAD} answers only those). A store that does not retain content (for
 * benchmarks and soak tests of large uploads) reads each upload as it arrives, keeps only its size,
 * SHA-256 and content type, and answers a {@code GET} of it 410 Gone with the same headers.
 */
public final class BlobStore implements Router.RawHandler {
  /** The path prefix of signed URLs. */
  public static final String PREFIX = "/blobs/";

  /** The response header giving a stored object's size in bytes. */
  public static final String SIZE_HEADER = "x-testkit-content-length";

  /** The response header giving a stored object's SHA-256, lower-case hex. */
  public static final String SHA256_HEADER = "x-testkit-content-sha256";

  /** A stored object; {@code bytes} is null when the store does not retain content. */
  record Blob(long size, String sha256, byte @Nullable [] bytes, @Nullable String contentType) {}

  private final boolean retainContent;
  private final Map<String, String> signatures = new ConcurrentHashMap<>();
  private final Map<String, Blob> blobs = new ConcurrentHashMap<>();

  /** A store that keeps uploaded content, or (false) only its size and checksum. */
  public BlobStore(boolean retainContent) {
    this.retainContent = retainContent;
  }

  /** A fresh signature allowing one key's upload. */
  String sign(String key) {
    return signatures.computeIfAbsent(key, k -> UUID.randomUUID().toString());
  }

  /** An upload's body is needed whole only when the store keeps it. */
  @Override
  public boolean needsBytes(String method) {
    return retainContent || !method.equals("PUT");
  }

  /** Serves {@code PUT}/{@code GET}/{@code HEAD} of {@code /blobs/<key>?signature=...}. */
  @Override
  public Reply handle(
      String method, String path, String query, Map<String, String> headers, RawBody body) {
    String key = Router.decode(path.substring(PREFIX.length()));
    if (method.equals("PUT")) {
      String sig = signatures.get(key);
      if (sig == null || !query.contains("signature=" + sig)) {
        return Reply.text(403, "application/xml", "<Error><Code>AccessDenied</Code></Error>");
      }
      blobs.put(
          key,
          new Blob(
              body.size(),
              body.sha256(),
              retainContent ? body.bytes() : null,
              headers.get("content-type")));
      return new Reply(200, new byte[0], Map.of(), null);
    }
    if (method.equals("GET") || method.equals("HEAD")) {
      Blob b = blobs.get(key);
      if (b == null) {
        return Reply.text(404, "application/xml", "<Error><Code>NoSuchKey</Code></Error>");
      }
      Map<String, String> out = new HashMap<>();
      out.put(SIZE_HEADER, Long.toString(b.size()));
      out.put(SHA256_HEADER, b.sha256());
      out.put(
          "content-type", b.contentType() == null ? "application/octet-stream" : b.contentType());
      byte[] bytes = b.bytes();
      if (method.equals("HEAD")) {
        return new Reply(200, new byte[0], out, null);
      }
      if (bytes == null) {
        out.put("content-type", "application/xml");
        return new Reply(
            410,
            ("<Error><Code>ContentNotRetained</Code><Message>the test server was built with"
                    + " retainBlobs(false): it kept only the size ("
                    + b.size()
                    + " bytes) and SHA-256 ("
                    + b.sha256()
                    + ") of this object</Message></Error>")
                .getBytes(StandardCharsets.UTF_8),
            out,
            null);
      }
      return new Reply(200, bytes, out, null);
    }
    return Reply.error(405, "method " + method + " not allowed on a blob");
  }
}

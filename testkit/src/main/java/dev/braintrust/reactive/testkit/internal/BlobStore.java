package dev.braintrust.reactive.testkit.internal;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory object store behind the attachment endpoints (apart from {@link ObjectStore}, which
 * holds API objects): content by key, written by a {@code PUT} to the signed URL {@code POST
 * /attachment} handed out, read by a {@code GET} of the download URL. Served under {@link #PREFIX}
 * without the API key, as a real signed URL is; a PUT needs the URL's signature (else 403).
 */
public final class BlobStore {
  /** The path prefix of signed URLs. */
  public static final String PREFIX = "/blobs/";

  /** A stored object. */
  record Blob(byte[] bytes, @Nullable String contentType) {}

  private final Map<String, String> signatures = new ConcurrentHashMap<>();
  private final Map<String, Blob> blobs = new ConcurrentHashMap<>();

  /** A fresh signature allowing one key's upload. */
  String sign(String key) {
    return signatures.computeIfAbsent(key, k -> UUID.randomUUID().toString());
  }

  /** Serves {@code PUT}/{@code GET} of {@code /blobs/<key>?signature=...}. */
  Reply handle(String method, String path, String query, Map<String, String> headers, byte[] body) {
    String key = Router.decode(path.substring(PREFIX.length()));
    if (method.equals("PUT")) {
      String sig = signatures.get(key);
      if (sig == null || !query.contains("signature=" + sig)) {
        return Reply.text(403, "application/xml", "<Error><Code>AccessDenied</Code></Error>");
      }
      blobs.put(key, new Blob(body, headers.get("content-type")));
      return new Reply(200, new byte[0], Map.of(), null);
    }
    if (method.equals("GET")) {
      Blob b = blobs.get(key);
      if (b == null) {
        return Reply.text(404, "application/xml", "<Error><Code>NoSuchKey</Code></Error>");
      }
      return new Reply(
          200,
          b.bytes(),
          Map.of(
              "content-type",
              b.contentType() == null ? "application/octet-stream" : b.contentType()),
          null);
    }
    return Reply.error(405, "method " + method + " not allowed on a blob");
  }
}

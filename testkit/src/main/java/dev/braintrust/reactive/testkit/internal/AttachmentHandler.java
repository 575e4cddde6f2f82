package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The attachment endpoints the official SDKs call (not in the OpenAPI file; see
 * docs/api-compatibility.md): {@code POST /attachment} answers a signed upload URL into the {@link
 * BlobStore} ({@code {"signedUrl", "headers"}}), {@code POST /attachment/status} records an
 * upload's status, {@code GET /attachment} answers {@code {"downloadUrl", "status"}} for a key (or
 * an external attachment's url). Faults apply to them, and to the signed URLs, by path.
 */
public final class AttachmentHandler {
  private final BlobStore blobs;
  private final Supplier<String> baseUrl;
  private final Map<String, JsonNode> statuses = new ConcurrentHashMap<>();

  /** A handler over {@code blobs}, handing out URLs under {@code baseUrl}. */
  public AttachmentHandler(BlobStore blobs, Supplier<String> baseUrl) {
    this.blobs = blobs;
    this.baseUrl = baseUrl;
  }

  /** Adds this handler's routes, and the blob store's signed URLs. */
  public void register(Router.Builder routes) {
    routes.raw(BlobStore.PREFIX, blobs);
    routes.on("POST", "/attachment", (ex, p) -> signedUrl(ex.body()));
    routes.on("POST", "/attachment/status", (ex, p) -> status(ex.body()));
    routes.on("GET", "/attachment", (ex, p) -> metadata(ex));
  }

  private Reply signedUrl(JsonNode body) {
    String key = required(body, "key");
    required(body, "filename");
    required(body, "content_type");
    checkOrg(required(body, "org_id"));
    statuses.putIfAbsent(key, Json.object().put("upload_status", "uploading"));
    ObjectNode out = Json.object().put("signedUrl", url(key) + "?signature=" + blobs.sign(key));
    out.putObject("headers");
    return Reply.ok(out);
  }

  private Reply status(JsonNode body) {
    String key = required(body, "key");
    checkOrg(required(body, "org_id"));
    JsonNode status = body.get("status");
    if (status == null || !status.path("upload_status").isTextual()) {
      throw HttpError.badRequest("status.upload_status is required");
    }
    String s = status.get("upload_status").asText();
    if (!s.equals("uploading") && !s.equals("done") && !s.equals("error")) {
      throw HttpError.badRequest("status.upload_status must be uploading, done or error");
    }
    if (!statuses.containsKey(key)) {
      throw HttpError.notFound("attachment key '" + key + "' was never requested");
    }
    statuses.put(key, status);
    return Reply.ok(Json.object());
  }

  private Reply metadata(Exchange ex) {
    checkOrg(ex.param("org_id"));
    String key = ex.param("key");
    String external = ex.param("url");
    ObjectNode out = Json.object();
    if (key != null) {
      JsonNode status = statuses.get(key);
      if (status == null) {
        throw HttpError.notFound("attachment key '" + key + "' not found");
      }
      out.put("downloadUrl", url(key));
      out.set("status", status);
    } else if (external != null) {
      out.put("downloadUrl", external);
      out.putObject("status").put("upload_status", "done");
    } else {
      throw HttpError.badRequest("key or url is required");
    }
    return Reply.ok(out);
  }

  private String url(String key) {
    return baseUrl.get() + BlobStore.PREFIX + key;
  }

  private static String required(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw HttpError.badRequest(field + " is required");
    }
    return v.asText();
  }

  private static void checkOrg(@org.jspecify.annotations.Nullable String orgId) {
    if (orgId == null || !orgId.equals(Seeds.ORG_ID)) {
      throw HttpError.badRequest("org_id '" + orgId + "' is not the key's organization");
    }
  }
}

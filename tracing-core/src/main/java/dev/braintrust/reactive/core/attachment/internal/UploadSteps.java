package dev.braintrust.reactive.core.attachment.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentReference;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * An attachment upload as the official SDKs make it, whatever the HTTP client: {@code POST
 * /attachment} for a signed URL, a {@code PUT} of the content to it, {@code POST
 * /attachment/status} with the outcome (an error status too, before the upload fails).
 */
public final class UploadSteps {
  private static final LibraryLog LOG = LibraryLog.get(UploadSteps.class);

  /** The HTTP client's part: the API's JSON calls and the object store's PUT. */
  public interface Http {
    /**
     * POSTs {@code body} to the API, the answer a JSON object (with the client's retries).
     *
     * @param path the API path
     * @param body the request
     * @return the answer
     */
    Mono<JsonNode> post(String path, ObjectNode body);

    /**
     * PUTs the attachment's content to a signed URL, with none of the API's credentials.
     *
     * @param url the signed URL
     * @param shown the URL without its query (the credential), for messages
     * @param headers the headers to send (content type, the signature's own)
     * @param attachment what to send
     * @return completes when the store answered 2xx
     */
    Mono<Void> put(String url, String shown, Map<String, String> headers, Attachment attachment);

    /**
     * {@code text} without the client's secrets.
     *
     * @param text a message
     * @return the message, redacted
     */
    String redact(String text);
  }

  private final Http http;
  private final Mono<String> orgId;

  /**
   * Uploads over {@code http} for the organization {@code orgId} names (asked once, by the caller's
   * own means).
   *
   * @param http the client's part
   * @param orgId the organization's id
   */
  public UploadSteps(Http http, Mono<String> orgId) {
    this.http = http;
    this.orgId = orgId;
  }

  /**
   * The three steps; errors (after reporting an error status) if the content was not stored.
   *
   * @param attachment what to upload
   * @return completes once the content is stored
   */
  public Mono<Void> upload(Attachment attachment) {
    AttachmentReference ref = attachment.reference();
    return orgId.flatMap(
        org ->
            signedUrl(ref, org)
                .flatMap(signed -> put(signed, attachment))
                .then(status(ref, org, null))
                .onErrorResume(
                    e ->
                        status(ref, org, e)
                            .onErrorResume(
                                x -> {
                                  LOG.debug("attachment status not recorded: {}", x.toString());
                                  return Mono.empty();
                                })
                            .then(Mono.error(e))));
  }

  private record Signed(String url, Map<String, String> headers) {}

  private Mono<Signed> signedUrl(AttachmentReference ref, String org) {
    ObjectNode body =
        JsonNodeFactory.instance
            .objectNode()
            .put("key", ref.key())
            .put("filename", ref.filename())
            .put("content_type", ref.contentType())
            .put("org_id", org);
    return http.post("/attachment", body)
        .map(
            n -> {
              JsonNode url = n.get("signedUrl");
              if (url == null || !url.isTextual() || url.asText().isBlank()) {
                throw new IllegalStateException(
                    "POST /attachment answered without a signedUrl: " + http.redact(n.toString()));
              }
              Map<String, String> headers = new LinkedHashMap<>();
              n.path("headers")
                  .fields()
                  .forEachRemaining(f -> headers.put(f.getKey(), f.getValue().asText()));
              return new Signed(url.asText(), headers);
            });
  }

  private Mono<Void> put(Signed signed, Attachment attachment) {
    String url = signed.url();
    int q = url.indexOf('?');
    // A signed URL's query is its credential: never in an error message.
    String shown = q < 0 ? url : url.substring(0, q);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", attachment.reference().contentType());
    headers.putAll(signed.headers());
    if (isAzure(url)) {
      headers.put("x-ms-blob-type", "BlockBlob");
    }
    return http.put(url, shown, headers, attachment);
  }

  private Mono<Void> status(AttachmentReference ref, String org, @Nullable Throwable error) {
    ObjectNode body =
        JsonNodeFactory.instance.objectNode().put("key", ref.key()).put("org_id", org);
    ObjectNode status = body.putObject("status");
    if (error == null) {
      status.put("upload_status", "done");
    } else {
      status
          .put("upload_status", "error")
          .put(
              "error_message",
              http.redact(String.valueOf(error.getMessage() != null ? error.getMessage() : error)));
    }
    return http.post("/attachment/status", body).then();
  }

  private static boolean isAzure(String url) {
    try {
      String host = URI.create(url).getHost();
      return host != null && host.toLowerCase(Locale.ROOT).endsWith(".blob.core.windows.net");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}

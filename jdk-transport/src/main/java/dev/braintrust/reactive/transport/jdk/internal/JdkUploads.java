package dev.braintrust.reactive.transport.jdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentReference;
import dev.braintrust.reactive.core.export.RetryHint;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Attachment uploads as the official SDKs make them: {@code POST /attachment} for a signed URL, a
 * {@code PUT} of the content to it (streamed, none of the API's credentials), {@code POST
 * /attachment/status} with the outcome. The organization id comes from {@code POST
 * /api/apikey/login}, asked once (a failure is not cached). Each request is tried up to four times
 * when it fails in a way that may pass (5xx, 429, no answer).
 */
public final class JdkUploads {
  private static final LibraryLog LOG = LibraryLog.get(JdkUploads.class);
  private static final int RETRIES = 3;
  private static final java.util.Set<String> FRAMING =
      java.util.Set.of("content-length", "host", "connection", "expect", "upgrade");

  private final JdkHttp http;
  private final Mono<String> orgId;

  /**
   * Uploads through {@code http}.
   *
   * @param http the API and the object store
   * @param apiKey the key, for the login call
   * @param orgName the organisation to pick among the key's, or null for its first
   */
  public JdkUploads(JdkHttp http, String apiKey, @Nullable String orgName) {
    this.http = http;
    ObjectNode login = JdkHttp.MAPPER.createObjectNode().put("token", apiKey);
    this.orgId =
        retried(http.json("POST", "/api/apikey/login", login))
            .map(info -> org(info, orgName))
            .cache(v -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
  }

  private static String org(JsonNode info, @Nullable String orgName) {
    JsonNode orgs = info.path("org_info");
    for (JsonNode o : orgs) {
      if (orgName == null || orgName.equals(o.path("name").asText(null))) {
        String id = o.path("id").asText("");
        if (!id.isEmpty()) {
          return id;
        }
      }
    }
    throw new IllegalStateException(
        "POST /api/apikey/login named no organization"
            + (orgName == null ? "" : " called '" + orgName + "'")
            + " for this API key");
  }

  /** The three steps; errors (after reporting an error status) if the content was not stored. */
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
        JdkHttp.MAPPER
            .createObjectNode()
            .put("key", ref.key())
            .put("filename", ref.filename())
            .put("content_type", ref.contentType())
            .put("org_id", org);
    return retried(http.json("POST", "/attachment", body))
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
    // Framing headers are the JDK client's own (it refuses them): the rest as the API signed them.
    signed
        .headers()
        .forEach(
            (name, value) -> {
              if (!FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, value);
              }
            });
    if (isAzure(url)) {
      headers.put("x-ms-blob-type", "BlockBlob");
    }
    return retried(
            Mono.defer(
                () -> {
                  Flow.Publisher<ByteBuffer> content =
                      JdkFlowAdapter.publisherToFlowPublisher(attachment.content());
                  return http.sendTo(
                      "PUT",
                      url,
                      shown,
                      headers,
                      HttpRequest.BodyPublishers.fromPublisher(content, attachment.size()));
                }))
        .then();
  }

  private Mono<Void> status(AttachmentReference ref, String org, @Nullable Throwable error) {
    ObjectNode body = JdkHttp.MAPPER.createObjectNode().put("key", ref.key()).put("org_id", org);
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
    return retried(http.json("POST", "/attachment/status", body)).then();
  }

  private static <T> Mono<T> retried(Mono<T> call) {
    return call.retryWhen(
        Retry.backoff(RETRIES, Duration.ofMillis(200))
            .maxBackoff(Duration.ofSeconds(5))
            .filter(JdkUploads::mayPass)
            .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
  }

  private static boolean mayPass(Throwable e) {
    if (e instanceof RetryHint) {
      return ((RetryHint) e).isRetryable();
    }
    return e instanceof IOException || e instanceof TimeoutException;
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

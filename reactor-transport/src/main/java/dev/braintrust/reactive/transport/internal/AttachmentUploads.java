package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentReference;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.transport.model.LoginInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The attachment endpoints, as the official SDKs call them: {@code POST /attachment} for a signed
 * upload URL, a {@code PUT} of the content to it, {@code POST /attachment/status} with the outcome;
 * and {@code GET /attachment} for a download URL to read one back. The organization id comes from
 * the login call, made once (single-flight; a failure is not cached). Everything goes through the
 * client's Reactor Netty client, so its proxy, TLS and timeouts apply; the object store is sent
 * none of the API's credentials. Retries are the client's: 5xx, 429 and network errors, never other
 * 4xx.
 */
public final class AttachmentUploads {
  private static final LibraryLog LOG = LibraryLog.get(AttachmentUploads.class);

  private final HttpCore http;
  private final Mono<String> orgId;

  /** Uploads over {@code http}, learning the organization from {@code login}. */
  public AttachmentUploads(HttpCore http, Mono<LoginInfo> login) {
    this.http = http;
    this.orgId =
        login
            .map(
                info -> {
                  if (info.orgInfo() == null || info.orgInfo().isEmpty()) {
                    throw new IllegalStateException(
                        "POST /api/apikey/login named no organization for this API key");
                  }
                  return info.orgInfo().get(0).id();
                })
            .cache(v -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
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
        Json.MAPPER
            .createObjectNode()
            .put("key", ref.key())
            .put("filename", ref.filename())
            .put("content_type", ref.contentType())
            .put("org_id", org);
    return http.json(HttpMethod.POST, "/attachment", body)
        .map(
            n -> {
              JsonNode url = n.get("signedUrl");
              if (url == null || !url.isTextual() || url.asText().isBlank()) {
                throw new IllegalStateException(
                    "POST /attachment answered without a signedUrl: " + n);
              }
              Map<String, String> headers = new LinkedHashMap<>();
              n.path("headers")
                  .fields()
                  .forEachRemaining(f -> headers.put(f.getKey(), f.getValue().asText()));
              return new Signed(url.asText(), headers);
            });
  }

  private Mono<Void> put(Signed signed, Attachment attachment) {
    String shown = withoutQuery(signed.url());
    boolean azure = isAzure(signed.url());
    Mono<Void> attempt =
        Mono.defer(
                () ->
                    http.objectStore()
                        .headers(
                            h -> {
                              h.set(
                                  HttpHeaderNames.CONTENT_TYPE,
                                  attachment.reference().contentType());
                              h.set(HttpHeaderNames.CONTENT_LENGTH, attachment.size());
                              signed.headers().forEach(h::set);
                              if (azure) {
                                h.set("x-ms-blob-type", "BlockBlob");
                              }
                            })
                        .put()
                        .uri(signed.url())
                        .send(attachment.content().map(AttachmentUploads::wrap))
                        .responseSingle(
                            (res, content) ->
                                content
                                    .asByteArray()
                                    .defaultIfEmpty(new byte[0])
                                    .flatMap(
                                        bytes -> {
                                          int status = res.status().code();
                                          if (status >= 200 && status < 300) {
                                            return Mono.<Void>empty();
                                          }
                                          return Mono.error(
                                              http.errors()
                                                  .status(
                                                      "PUT",
                                                      shown,
                                                      status,
                                                      res.responseHeaders(),
                                                      bytes));
                                        })))
            .onErrorMap(e -> HttpCore.noAnswer("PUT", shown, e));
    return http.withRetry(attempt);
  }

  private static ByteBuf wrap(ByteBuffer b) {
    return Unpooled.wrappedBuffer(b);
  }

  private Mono<Void> status(AttachmentReference ref, String org, @Nullable Throwable error) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("key", ref.key()).put("org_id", org);
    ObjectNode status = body.putObject("status");
    if (error == null) {
      status.put("upload_status", "done");
    } else {
      status
          .put("upload_status", "error")
          .put(
              "error_message",
              http.errors()
                  .redact(String.valueOf(error.getMessage() != null ? error.getMessage() : error)));
    }
    return http.json(HttpMethod.POST, "/attachment/status", body).then();
  }

  /** The content of an uploaded or external attachment, via its download URL. */
  public Flux<ByteBuffer> read(AttachmentReference ref) {
    return orgId.flatMapMany(
        org -> {
          StringBuilder q = new StringBuilder("/attachment?");
          q.append("filename=").append(enc(ref.filename()));
          q.append("&content_type=").append(enc(ref.contentType()));
          q.append("&org_id=").append(enc(org));
          if (ref.key() != null) {
            q.append("&key=").append(enc(ref.key()));
          } else {
            q.append("&url=").append(enc(String.valueOf(ref.url())));
          }
          return http.json(HttpMethod.GET, q.toString(), null)
              .flatMapMany(
                  meta -> {
                    String url = meta.path("downloadUrl").asText("");
                    String st = meta.path("status").path("upload_status").asText("");
                    if (url.isEmpty()) {
                      return Flux.error(
                          new IllegalStateException(
                              "GET /attachment answered without a downloadUrl: " + meta));
                    }
                    if (!st.equals("done")) {
                      return Flux.error(
                          new IllegalStateException(
                              "attachment "
                                  + ref.filename()
                                  + " is not uploaded: status '"
                                  + st
                                  + "'"));
                    }
                    return download(url);
                  });
        });
  }

  private Flux<ByteBuffer> download(String url) {
    String shown = withoutQuery(url);
    return Flux.defer(
        () ->
            http.objectStore()
                .get()
                .uri(url)
                .response(
                    (res, content) -> {
                      int status = res.status().code();
                      if (status >= 200 && status < 300) {
                        return content.asByteArray().map(ByteBuffer::wrap);
                      }
                      return content
                          .aggregate()
                          .asByteArray()
                          .defaultIfEmpty(new byte[0])
                          .flatMapMany(
                              b ->
                                  Mono.error(
                                      http.errors()
                                          .status("GET", shown, status, res.responseHeaders(), b)));
                    }));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // A signed URL's query is its credential: never in an error message.
  private static String withoutQuery(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
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

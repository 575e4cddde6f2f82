package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentReference;
import dev.braintrust.reactive.core.attachment.internal.UploadSteps;
import dev.braintrust.reactive.transport.model.LoginInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The attachment endpoints, as the official SDKs call them: uploads ({@link UploadSteps}, shared
 * with the JDK transport: a signed URL, a {@code PUT}, the status), and {@code GET /attachment} for
 * a download URL to read one back. The organization id comes from the login call, made once
 * (single-flight; a failure is not cached). Everything goes through the client's Reactor Netty
 * client, so its proxy, TLS and timeouts apply; the object store is sent none of the API's
 * credentials. Retries are the client's: 5xx, 429 and network errors, never other 4xx.
 */
public final class AttachmentUploads {

  private final HttpCore http;
  private final Mono<String> orgId;
  private final UploadSteps steps;

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
    this.steps = new UploadSteps(new NettyHttp(), orgId);
  }

  /** The three steps; errors (after reporting an error status) if the content was not stored. */
  public Mono<Void> upload(Attachment attachment) {
    return steps.upload(attachment);
  }

  /** The API's JSON calls and the object store's PUT, on this client's connections. */
  private final class NettyHttp implements UploadSteps.Http {
    @Override
    public Mono<JsonNode> post(String path, ObjectNode body) {
      return http.json(HttpMethod.POST, path, body);
    }

    @Override
    public Mono<Void> put(
        String url, String shown, Map<String, String> headers, Attachment attachment) {
      Mono<Void> attempt =
          Mono.defer(
                  () ->
                      http.objectStore()
                          .headers(
                              h -> {
                                headers.forEach(h::set);
                                h.set(HttpHeaderNames.CONTENT_LENGTH, attachment.size());
                              })
                          .put()
                          .uri(url)
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

    @Override
    public String redact(String text) {
      return http.errors().redact(text);
    }
  }

  private static ByteBuf wrap(ByteBuffer b) {
    return Unpooled.wrappedBuffer(b);
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
}

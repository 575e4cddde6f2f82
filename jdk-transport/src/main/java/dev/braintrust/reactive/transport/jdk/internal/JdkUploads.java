package dev.braintrust.reactive.transport.jdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.internal.UploadSteps;
import dev.braintrust.reactive.core.export.RetryHint;
import java.io.IOException;
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
 * Attachment uploads ({@link UploadSteps}, shared with the Reactor Netty client), the content
 * streamed to the signed URL with none of the API's credentials. The organization id comes from
 * {@code POST /api/apikey/login}, asked once (a failure is not cached). Each request is tried up to
 * four times when it fails in a way that may pass (5xx, 429, no answer).
 */
public final class JdkUploads {
  private static final int RETRIES = 3;
  private static final java.util.Set<String> FRAMING =
      java.util.Set.of("content-length", "host", "connection", "expect", "upgrade");

  private final JdkHttp http;
  private final UploadSteps steps;

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
    Mono<String> orgId =
        retried(http.json("POST", "/api/apikey/login", login))
            .map(info -> org(info, orgName))
            .cache(v -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
    this.steps = new UploadSteps(new Http(), orgId);
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
    return steps.upload(attachment);
  }

  /** The API's JSON calls and the object store's PUT (streamed), each retried. */
  private final class Http implements UploadSteps.Http {
    @Override
    public Mono<JsonNode> post(String path, ObjectNode body) {
      return retried(http.json("POST", path, body));
    }

    @Override
    public Mono<Void> put(
        String url, String shown, Map<String, String> headers, Attachment attachment) {
      // Framing headers are the JDK client's own (it refuses them): the rest as the API signed
      // them.
      Map<String, String> sent = new LinkedHashMap<>();
      headers.forEach(
          (name, value) -> {
            if (!FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
              sent.put(name, value);
            }
          });
      return retried(
              Mono.defer(
                  () -> {
                    Flow.Publisher<ByteBuffer> content =
                        JdkFlowAdapter.publisherToFlowPublisher(attachment.content());
                    return http.sendTo(
                        "PUT",
                        url,
                        shown,
                        sent,
                        HttpRequest.BodyPublishers.fromPublisher(content, attachment.size()));
                  }))
          .then();
    }

    @Override
    public String redact(String text) {
      return http.redact(text);
    }
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
}

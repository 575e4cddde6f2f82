package dev.braintrust.reactive;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.model.LoginInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Braintrust in one call: a {@link BraintrustClient}, the bounded {@link BraintrustExporter} that
 * batches spans to it, and a {@link Tracer} writing to your project, set up from the same
 * environment variables as the official SDKs and flushed at JVM exit.
 *
 * <pre>{@code
 * Braintrust braintrust = Braintrust.fromEnvironment();
 * Tracer tracer = braintrust.tracer();
 * Span span = tracer.startSpan("answer-question");
 * span.input("What is the capital of France?").output("Paris").end();
 * // At exit the shutdown hook delivers it; braintrust.close() does the same now.
 * }</pre>
 *
 * <p>Read from the environment (a nonblank process value first, then the nearest {@code
 * .env.braintrust} file): {@code BRAINTRUST_API_KEY} (required), {@code BRAINTRUST_API_URL}, {@code
 * BRAINTRUST_APP_URL}, {@code BRAINTRUST_ORG_NAME}, {@code BRAINTRUST_PROJECT_ID} and {@code
 * BRAINTRUST_PROJECT} (also the official Java SDK's {@code BRAINTRUST_DEFAULT_PROJECT_ID} and
 * {@code BRAINTRUST_DEFAULT_PROJECT_NAME}); {@code BRAINTRUST_DEBUG=true} shows the library's debug
 * messages. Options set on the {@link BraintrustBuilder} win over all of these.
 *
 * <p>This object owns what it created: {@link #close()} flushes within the shutdown timeout and
 * releases the exporter and the client. The builders of those three remain for advanced use.
 */
public final class Braintrust implements AutoCloseable {
  private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);
  private final BraintrustClient client;
  private final BraintrustExporter exporter;
  private final Tracer tracer;
  private final String appUrl;
  private final Duration shutdownTimeout;
  private final Mono<String> orgName;

  Braintrust(
      BraintrustClient client,
      BraintrustExporter exporter,
      Destination destination,
      String appUrl,
      @Nullable String orgName,
      Duration shutdownTimeout) {
    this.client = client;
    this.exporter = exporter;
    this.tracer = Tracer.create(exporter, destination);
    this.appUrl = trimSlash(appUrl);
    this.shutdownTimeout = shutdownTimeout;
    // Asked once, on first use; a failure is not kept, so a later link may still succeed.
    this.orgName =
        orgName != null
            ? Mono.just(orgName)
            : Mono.defer(client::login)
                .flatMap(
                    info -> {
                      LoginInfo.OrgInfo org = info.org(null);
                      return org == null ? Mono.<String>empty() : Mono.just(org.name());
                    })
                .switchIfEmpty(
                    Mono.error(
                        () ->
                            new IllegalStateException(
                                "the API key belongs to no organization; set BRAINTRUST_ORG_NAME")))
                .cache(v -> FOREVER, e -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Sets up Braintrust from the environment, as the class comment describes.
   *
   * @return the set-up Braintrust, which flushes at JVM exit
   * @throws IllegalStateException when no API key is set
   */
  public static Braintrust fromEnvironment() {
    return builder().build();
  }

  /**
   * A builder whose unset options come from the environment.
   *
   * @return a new builder
   */
  public static BraintrustBuilder builder() {
    return new BraintrustBuilder();
  }

  /**
   * The tracer writing root spans to the project (or the destination given).
   *
   * @return the tracer
   */
  public Tracer tracer() {
    return tracer;
  }

  /**
   * The API client, for the request/response calls ({@code projects()}, {@code rows(..)}, {@code
   * aiProxy(..)}, ...).
   *
   * @return the client
   */
  public BraintrustClient client() {
    return client;
  }

  /**
   * The exporter buffering the tracer's spans, for its counters and health.
   *
   * @return the exporter
   */
  public BraintrustExporter exporter() {
    return exporter;
  }

  /**
   * Completes once every span ended before this call is delivered; errors with {@code
   * BraintrustExportException} naming how many were not. Never blocks.
   *
   * @return completes when the flush is done
   */
  public Mono<Void> flush() {
    return exporter.flush();
  }

  /**
   * Delivers what is buffered within the shutdown timeout, then releases the exporter and the
   * client. Completes no later than that deadline.
   *
   * @return completes when shut down
   */
  public Mono<Void> shutdown() {
    return exporter.shutdown(shutdownTimeout);
  }

  /** Like {@link #shutdown()}, waiting for it (unless called on a non-blocking Reactor thread). */
  @Override
  public void close() {
    exporter.close();
  }

  /**
   * A link to {@code span}'s row in the Braintrust app: {@code
   * <app>/app/<org>/object?object_type=..&object_id=..&id=..}. The organization is {@code
   * BRAINTRUST_ORG_NAME}, else the key's first one (asked once through {@link
   * BraintrustClient#login()}); a project given by name is looked up once.
   *
   * @param span a span of this tracer
   * @return the link
   */
  public Mono<String> permalink(Span span) {
    Objects.requireNonNull(span, "span");
    String rowId = span.id();
    return Mono.zip(orgName, client.resolve(span.destination()))
        .map(t -> link(t.getT1(), t.getT2(), rowId));
  }

  /**
   * A link to where the tracer's spans appear in the Braintrust app (the project's logs, or the
   * experiment or dataset given as destination).
   *
   * @return the link
   */
  public Mono<String> destinationUrl() {
    return Mono.zip(orgName, client.resolve(tracer.destination()))
        .map(t -> link(t.getT1(), t.getT2(), null));
  }

  private String link(String org, Destination resolved, @Nullable String rowId) {
    StringBuilder b =
        new StringBuilder(appUrl)
            .append("/app/")
            .append(encode(org))
            .append("/object?object_type=")
            .append(resolved.kind().pathSegment())
            .append("&object_id=")
            .append(encode(Objects.requireNonNull(resolved.id(), "resolved id")));
    if (rowId != null) {
      b.append("&id=").append(encode(rowId));
    }
    return b.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public String toString() {
    return "Braintrust{" + client.baseUrl() + " -> " + tracer.destination() + "}";
  }
}

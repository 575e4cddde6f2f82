package dev.braintrust.reactive.transport.jdk;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentUploader;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.Transport;
import dev.braintrust.reactive.transport.jdk.internal.JdkHttp;
import dev.braintrust.reactive.transport.jdk.internal.JdkInserts;
import dev.braintrust.reactive.transport.jdk.internal.JdkUploads;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The exporter's {@link Transport} on the JDK's own {@link java.net.http.HttpClient}: inserts
 * (names resolved to ids, gzip, 413 and 400 splitting, one attempt per request) and attachment
 * uploads, with no Netty. It is what the Java agent extension sends with: the application already
 * has this client loaded and warm, and the extension stays small. For the typed API calls
 * (feedback, fetch, prompts, ...), use {@code BraintrustClient} from {@code reactor-transport}.
 *
 * <pre>{@code
 * BraintrustExporter exporter =
 *     BraintrustExporter.builder(JdkTransport.builder().apiKey(key).build()).build();
 * }</pre>
 *
 * <p>Thread-safe. Nothing here blocks the caller: each request is sent on a thread of the
 * transport's own ({@code braintrust-http-N}, daemon, reused), where its answer completes; a
 * cancelled request's exchange is aborted and its thread freed.
 */
public final class JdkTransport implements Transport, AttachmentUploader {
  /** The US API, the default base URL. */
  public static final String US_URL = "https://api.braintrust.dev";

  private final JdkHttp http;
  private final JdkInserts inserts;
  private final JdkUploads uploads;
  private final long maxRequestBytes;
  private final Duration maxRetryAfter;

  JdkTransport(JdkTransportBuilder b, JdkHttp http) {
    this.http = http;
    this.inserts = new JdkInserts(http, b.orgName, b.gzipLevel > 0, b.gzipLevel);
    this.uploads = new JdkUploads(http, b.apiKey, b.orgName);
    this.maxRequestBytes = b.maxRequestBytes;
    this.maxRetryAfter = b.maxRetryAfter;
  }

  /**
   * A builder; {@link JdkTransportBuilder#apiKey} is required.
   *
   * @return a new builder
   */
  public static JdkTransportBuilder builder() {
    return new JdkTransportBuilder();
  }

  @Override
  public Mono<InsertResult> insertOnce(Destination destination, EncodedBatch batch) {
    return inserts.insertOnce(destination, batch);
  }

  @Override
  public Mono<Void> upload(Attachment attachment) {
    return uploads.upload(attachment);
  }

  @Override
  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  @Override
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /** Refuses new requests and releases the HTTP client. */
  @Override
  public Mono<Void> shutdown() {
    return http.shutdown();
  }

  @Override
  public String toString() {
    // Never the key: this may be logged.
    return "JdkTransport to " + http.baseUrl();
  }
}

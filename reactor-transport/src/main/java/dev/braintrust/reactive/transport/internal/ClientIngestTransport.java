package dev.braintrust.reactive.transport.internal;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentUploader;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.Transport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;

/**
 * One exporter's handle on a client it shares with others ({@code client.ingestTransport()}): it
 * sends through the client's connections, and the exporter that owns it closes only the handle, so
 * the client (and every other user of it) stays open. Thread-safe: the flag is the only state.
 */
public final class ClientIngestTransport implements Transport, AttachmentUploader {
  private final IngestTransport ingest;
  private final AttachmentUploader uploader;
  private final long maxRequestBytes;
  private final Duration maxRetryAfter;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A handle sending through {@code ingest}.
   *
   * @param ingest the client's insert path
   * @param maxRequestBytes the client's request size limit
   * @param maxRetryAfter the client's cap on {@code Retry-After}
   * @param uploader the client's attachment uploads, so a shared client's exporter uploads too
   */
  public ClientIngestTransport(
      IngestTransport ingest,
      long maxRequestBytes,
      Duration maxRetryAfter,
      AttachmentUploader uploader) {
    this.ingest = ingest;
    this.uploader = uploader;
    this.maxRequestBytes = maxRequestBytes;
    this.maxRetryAfter = maxRetryAfter;
  }

  @Override
  public Mono<InsertResult> insertOnce(Destination destination, EncodedBatch batch) {
    if (closed.get()) {
      return Mono.error(
          new IllegalStateException(
              "this ingest transport was closed by its exporter; the BraintrustClient is still"
                  + " open: ask it for another with ingestTransport()"));
    }
    return ingest.insertOnce(destination, batch);
  }

  @Override
  public Mono<Void> upload(Attachment attachment) {
    return uploader.upload(attachment);
  }

  @Override
  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  @Override
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /** Closes this handle only; the client stays open for everyone else. */
  @Override
  public Mono<Void> shutdown() {
    return Mono.fromRunnable(() -> closed.set(true));
  }
}

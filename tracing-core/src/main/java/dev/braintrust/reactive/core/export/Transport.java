package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.Destination;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Delivers batches to Braintrust, one attempt per request: the exporter is the only retrier. The
 * Reactor Netty client in {@code reactor-transport} is the production implementation ({@code
 * client.ingestTransport()}); tests may plug in their own.
 *
 * <p>{@link #insertOnce} completes with one result once the server acknowledged every row, or
 * errors at the first failure, without retrying. Only a refusal fails the rows: an error that is a
 * retryable {@link RetryHint} (429, 5xx, with the server's {@code Retry-After}), or an {@link
 * java.io.IOException} or {@link java.util.concurrent.TimeoutException} (no answer came; the rows
 * may be stored), has the exporter pause as a whole and send the batch again with the same row ids
 * until {@code maxEventAge}, so inserts must be idempotent by id. A transport that isolates rows
 * the server refuses (a 400 on one row of many) delivers the rest and lists the refused rows in
 * {@link InsertResult#rejected()}. It must not block the subscribing thread.
 *
 * <p>The exporter owns the transport it is given: it calls {@link #shutdown()} once when it closes.
 */
@FunctionalInterface
public interface Transport {
  /** The default for {@link #maxRetryAfter()}: a minute. */
  Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);

  /**
   * Inserts the batch into the destination (resolving names to ids as needed) with one attempt per
   * request and no retries of its own: the exporter retries, backing off as a whole when the server
   * throttles, so a fleet of exporters sends less under 429/503 instead of multiplying requests.
   * Failures worth retrying implement {@link RetryHint}.
   *
   * @param destination where the rows go
   * @param batch the rows
   * @return what the insert did
   */
  Mono<InsertResult> insertOnce(Destination destination, EncodedBatch batch);

  /**
   * The largest uncompressed request body this transport sends in one request; the exporter cuts
   * batches into chunks no larger (and never larger than its own {@code maxBatchBytes}). A
   * transport may still split further when the server answers 413.
   *
   * @return the largest uncompressed request body this transport sends in one request; the exporter
   *     cuts batches into chunks no larger (and never larger than its own {@code maxBatchBytes})
   */
  default long maxRequestBytes() {
    return Long.MAX_VALUE;
  }

  /**
   * The longest pause a server's {@code Retry-After} may impose: the exporter honours a longer one
   * only up to this (plus its jitter), so a bad header can't hold batches until they expire.
   *
   * @return the cap on {@code Retry-After}
   */
  default Duration maxRetryAfter() {
    return DEFAULT_MAX_RETRY_AFTER;
  }

  /**
   * Releases what this transport holds; called once by the exporter that owns it, on close.
   *
   * @return completes when the connections are released
   */
  default Mono<Void> shutdown() {
    return Mono.empty();
  }
}

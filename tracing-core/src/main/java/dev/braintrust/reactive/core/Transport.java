package dev.braintrust.reactive.core;

import reactor.core.publisher.Mono;

/**
 * Delivers batches to Braintrust. The Reactor Netty client in {@code reactor-transport} is the
 * production implementation; tests may plug in their own.
 *
 * <p>The returned Mono completes with one result once the server acknowledged every row, or
 * errors once the batch failed for good (retries are the transport's job). It must not block the
 * subscribing thread.
 */
@FunctionalInterface
public interface Transport {
  /** Inserts the batch into the destination (resolving names to ids as needed). */
  Mono<InsertResult> insert(Destination destination, EncodedBatch batch);

  /** Releases connections; called once by the exporter on close. */
  default Mono<Void> shutdown() {
    return Mono.empty();
  }
}

package dev.braintrust.reactive.eval.internal;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.Transport;
import reactor.core.publisher.Mono;

/**
 * The user's client as the eval's own exporter sees it: shutting the exporter down must not close a
 * client the eval does not own.
 */
public final class SharedTransport implements Transport {
  private final Transport delegate;

  /** Wraps {@code delegate}. */
  public SharedTransport(Transport delegate) {
    this.delegate = delegate;
  }

  @Override
  public Mono<InsertResult> insertOnce(Destination destination, EncodedBatch batch) {
    return delegate.insertOnce(destination, batch);
  }

  @Override
  public long maxRequestBytes() {
    return delegate.maxRequestBytes();
  }

  @Override
  public Mono<Void> shutdown() {
    return Mono.empty();
  }
}

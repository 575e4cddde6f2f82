package dev.braintrust.reactive.otel.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import reactor.core.publisher.Mono;

/** Turns the exporter's {@code Mono<Void>} answers into OTel result codes without blocking. */
public final class ResultCodes {
  private ResultCodes() {}

  /** A code that succeeds when {@code done} completes and fails when it errors. */
  public static CompletableResultCode of(Mono<Void> done) {
    CompletableResultCode result = new CompletableResultCode();
    done.subscribe(null, e -> result.fail(), result::succeed);
    return result;
  }
}

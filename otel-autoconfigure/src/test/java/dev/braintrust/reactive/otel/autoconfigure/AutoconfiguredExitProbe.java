package dev.braintrust.reactive.otel.autoconfigure;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/**
 * An application configured only by OTEL_* and BRAINTRUST_* variables: ends one span and returns,
 * leaving shutdown to the SDK's own JVM shutdown hook.
 */
public final class AutoconfiguredExitProbe {
  private AutoconfiguredExitProbe() {}

  /** Runs the probe. */
  public static void main(String[] args) {
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.initialize().getOpenTelemetrySdk();
    sdk.getTracer("probe").spanBuilder("lost-at-exit").startSpan().end();
    System.out.println("ended");
  }
}

package dev.braintrust.reactive.otel.autoconfigure;

import dev.braintrust.reactive.otel.autoconfigure.internal.AutoConfigState;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;

/**
 * Completes the {@code braintrust} exporter inside autoconfigure: spans reach Braintrust through
 * one span processor instead of the SDK's batching queue plus ours, other configured exporters keep
 * receiving every span, and outgoing calls carry {@code braintrust.parent} in W3C baggage. Does
 * nothing unless {@code otel.traces.exporter} names {@code braintrust}; never sets the global
 * {@code OpenTelemetry}. Found through {@link java.util.ServiceLoader}.
 */
public final class BraintrustAutoConfigurationCustomizerProvider
    implements AutoConfigurationCustomizerProvider {
  @Override
  public void customize(AutoConfigurationCustomizer customizer) {
    AutoConfigState state = new AutoConfigState();
    customizer.addPropagatorCustomizer(state::onPropagator);
    customizer.addSpanExporterCustomizer(state::onExporter);
    customizer.addSpanProcessorCustomizer(state::onProcessor);
  }
}

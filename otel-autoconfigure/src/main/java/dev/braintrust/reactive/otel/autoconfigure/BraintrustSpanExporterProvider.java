package dev.braintrust.reactive.otel.autoconfigure;

import dev.braintrust.reactive.otel.autoconfigure.internal.ClaimableSpanExporter;
import dev.braintrust.reactive.otel.autoconfigure.internal.Settings;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The {@code braintrust} trace exporter for OpenTelemetry SDK autoconfigure and the Java agent:
 * {@code OTEL_TRACES_EXPORTER=braintrust} with {@code BRAINTRUST_API_KEY} set. Found through {@link
 * java.util.ServiceLoader}; applications don't call it. Spans go into one bounded Braintrust
 * buffer: {@link BraintrustAutoConfigurationCustomizerProvider} puts a span processor in place of
 * the SDK's batching queue.
 */
public final class BraintrustSpanExporterProvider implements ConfigurableSpanExporterProvider {
  /** The exporter name in {@code otel.traces.exporter}. */
  public static final String NAME = "braintrust";

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    return new ClaimableSpanExporter(Settings.from(config));
  }
}

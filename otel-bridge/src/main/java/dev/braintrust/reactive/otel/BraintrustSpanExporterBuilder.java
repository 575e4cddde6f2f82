package dev.braintrust.reactive.otel;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.otel.internal.BridgeConfig;
import java.time.Duration;

/**
 * Configures a {@link BraintrustSpanExporter}; get one from {@link BraintrustSpanExporter#builder}.
 * Each setter rejects a bad value at once, naming the option.
 */
public final class BraintrustSpanExporterBuilder {
  private final BridgeConfig.Builder config;

  BraintrustSpanExporterBuilder(BraintrustExporter exporter) {
    this.config = new BridgeConfig.Builder(exporter);
  }

  /**
   * Where spans go unless they say otherwise (required).
   *
   * @param destination where spans go unless they say otherwise
   * @return this builder
   */
  public BraintrustSpanExporterBuilder destination(Destination destination) {
    config.destination(destination);
    return this;
  }

  /**
   * Which spans to send (default all).
   *
   * @param filter which spans to send
   * @return this builder
   */
  public BraintrustSpanExporterBuilder filter(SpanFilter filter) {
    config.filter(filter);
    return this;
  }

  /**
   * The share of traces sent, from 0 to 1 (default 1). Decided by trace id as OTel's {@code
   * traceidratio} sampler does, so services with the same ratio keep the same, whole traces; spans
   * still reach any other exporter the SDK has.
   *
   * @param ratio the share of traces sent
   * @return this builder
   */
  public BraintrustSpanExporterBuilder sampleRatio(double ratio) {
    config.sampleRatio(ratio);
    return this;
  }

  /**
   * How long {@link BraintrustSpanExporter#shutdown()} lets the exporter deliver (default 10 s;
   * must be positive).
   *
   * @param timeout how long {@link BraintrustSpanExporter#shutdown()} lets the exporter deliver
   * @return this builder
   */
  public BraintrustSpanExporterBuilder shutdownTimeout(Duration timeout) {
    config.shutdownTimeout(timeout);
    return this;
  }

  /**
   * The exporter.
   *
   * @return the exporter
   * @throws IllegalStateException if no destination was set
   */
  public BraintrustSpanExporter build() {
    return new BraintrustSpanExporter(config.build());
  }
}

package dev.braintrust.reactive.otel;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.otel.internal.BridgeConfig;
import java.time.Duration;

/**
 * Configures a {@link BraintrustSpanProcessor}; get one from {@link
 * BraintrustSpanProcessor#builder}. Each setter rejects a bad value at once, naming the option.
 */
public final class BraintrustSpanProcessorBuilder {
  private final BridgeConfig.Builder config;
  private boolean linkTracingCore = true;
  private boolean parentFromBaggage = true;

  BraintrustSpanProcessorBuilder(BraintrustExporter exporter) {
    this.config = new BridgeConfig.Builder(exporter);
  }

  /**
   * Where traces go unless they say otherwise (required).
   *
   * @param destination where traces go unless they say otherwise
   * @return this builder
   */
  public BraintrustSpanProcessorBuilder destination(Destination destination) {
    config.destination(destination);
    return this;
  }

  /**
   * Which spans to send (default all).
   *
   * @param filter which spans to send
   * @return this builder
   */
  public BraintrustSpanProcessorBuilder filter(SpanFilter filter) {
    config.filter(filter);
    return this;
  }

  /**
   * Whether tracing-core and OTel spans share one current-span context (default true).
   *
   * @param link whether tracing-core and OTel spans share one current-span context
   * @return this builder
   */
  public BraintrustSpanProcessorBuilder linkTracingCore(boolean link) {
    this.linkTracingCore = link;
    return this;
  }

  /**
   * Whether a trace continued from another service, or started under baggage, goes where the
   * baggage's {@code braintrust.parent} says (default true; see {@link BraintrustBaggage}). Turn it
   * off where callers are not trusted, such as a public edge: baggage comes from the caller, and a
   * project it names is created.
   *
   * @param honour whether to follow the baggage's {@code braintrust.parent}
   * @return this builder
   */
  public BraintrustSpanProcessorBuilder parentFromBaggage(boolean honour) {
    this.parentFromBaggage = honour;
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
  public BraintrustSpanProcessorBuilder sampleRatio(double ratio) {
    config.sampleRatio(ratio);
    return this;
  }

  /**
   * How long {@link BraintrustSpanProcessor#shutdown()} lets the exporter deliver (default 10 s;
   * must be positive).
   *
   * @param timeout how long {@link BraintrustSpanProcessor#shutdown()} lets the exporter deliver
   * @return this builder
   */
  public BraintrustSpanProcessorBuilder shutdownTimeout(Duration timeout) {
    config.shutdownTimeout(timeout);
    return this;
  }

  /**
   * The processor; installs the context link when enabled.
   *
   * @return the processor; installs the context link when enabled
   * @throws IllegalStateException if no destination was set
   */
  public BraintrustSpanProcessor build() {
    return new BraintrustSpanProcessor(config.build(), linkTracingCore, parentFromBaggage);
  }
}

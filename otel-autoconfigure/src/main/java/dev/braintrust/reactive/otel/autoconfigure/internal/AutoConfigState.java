package dev.braintrust.reactive.otel.autoconfigure.internal;

import dev.braintrust.reactive.otel.BraintrustBaggage;
import dev.braintrust.reactive.otel.BraintrustSpanProcessor;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One autoconfigure run's view of our exporter, shared by the customizers it registers; one per
 * run, so several SDKs in one JVM don't see each other's.
 *
 * <p>Autoconfigure calls the propagator customizer first, then creates exporters (the exporter
 * customizer records ours), then builds span processors: the batching processor that holds only our
 * exporter is replaced by our span processor, and otherwise our processor is added once next to the
 * first one, so other exporters keep their own pipeline.
 */
public final class AutoConfigState {
  // Read later by application threads through the propagator.
  private volatile @Nullable ClaimableSpanExporter exporter;
  private boolean processorAdded;

  /** Records our exporter when autoconfigure creates it; every exporter passes unchanged. */
  public SpanExporter onExporter(SpanExporter e, ConfigProperties config) {
    if (e instanceof ClaimableSpanExporter) {
      exporter = (ClaimableSpanExporter) e;
    }
    return e;
  }

  /** Puts our processor in place of the batching processor that holds only our exporter. */
  public SpanProcessor onProcessor(SpanProcessor p, ConfigProperties config) {
    ClaimableSpanExporter ours = exporter;
    if (ours == null) {
      return p;
    }
    if (p instanceof BatchSpanProcessor && ((BatchSpanProcessor) p).getSpanExporter() == ours) {
      BraintrustSpanProcessor processor = ours.claim();
      // Its worker thread is already running; claimed, our exporter ignores the shutdown.
      p.shutdown();
      if (processorAdded) {
        return SpanProcessor.composite();
      }
      processorAdded = true;
      return processor;
    }
    if (!processorAdded) {
      processorAdded = true;
      // Our exporter sits in another vendor's composite; claimed, it does nothing there.
      return SpanProcessor.composite(p, ours.claim());
    }
    return p;
  }

  /**
   * Wraps the W3C baggage propagator so outgoing calls carry {@code braintrust.parent}, when {@code
   * otel.traces.exporter} names braintrust and {@code propagate.parent} is not off; every other
   * propagator passes unchanged.
   */
  public TextMapPropagator onPropagator(TextMapPropagator p, ConfigProperties config) {
    if (!(p instanceof W3CBaggagePropagator)
        || !namesBraintrust(config)
        || !Settings.propagateParent(config)) {
      return p;
    }
    return new Lazy(p);
  }

  private static boolean namesBraintrust(ConfigProperties config) {
    for (String name : config.getList("otel.traces.exporter")) {
      if (name.trim().toLowerCase(Locale.ROOT).equals("braintrust")) {
        return true;
      }
    }
    return false;
  }

  /** Propagators are built before span processors, so this finds ours on first use. */
  private final class Lazy implements TextMapPropagator {
    private final TextMapPropagator baggage;
    private volatile @Nullable TextMapPropagator withParent;

    Lazy(TextMapPropagator baggage) {
      this.baggage = baggage;
    }

    private TextMapPropagator target() {
      TextMapPropagator t = withParent;
      if (t != null) {
        return t;
      }
      ClaimableSpanExporter ours = exporter;
      BraintrustSpanProcessor processor = ours == null ? null : ours.processor();
      if (processor == null) {
        return baggage;
      }
      t = BraintrustBaggage.propagator(baggage, processor);
      withParent = t;
      return t;
    }

    @Override
    public Collection<String> fields() {
      return baggage.fields();
    }

    @Override
    public <C> void inject(Context context, @Nullable C carrier, TextMapSetter<C> setter) {
      target().inject(context, carrier, setter);
    }

    @Override
    public <C> Context extract(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
      // Ours, once it exists, reads the same baggage (reusing what the last header gave).
      return target().extract(context, carrier, getter);
    }

    @Override
    public String toString() {
      return "BraintrustParent(" + baggage + ")";
    }
  }
}

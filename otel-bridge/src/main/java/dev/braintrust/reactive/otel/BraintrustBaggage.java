package dev.braintrust.reactive.otel;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.otel.internal.ParentBaggagePropagator;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;

/**
 * {@code braintrust.parent} in OpenTelemetry baggage, so a trace that crosses services lands in one
 * project or experiment. A {@link BraintrustSpanProcessor} sends a trace it continues (or starts)
 * under the parent found in the baggage, unless a span of the trace in this process already chose
 * one; {@link #propagator} passes each outgoing call's parent on.
 *
 * <pre>{@code
 * ContextPropagators.create(TextMapPropagator.composite(
 *     W3CTraceContextPropagator.getInstance(),
 *     BraintrustBaggage.propagator(W3CBaggagePropagator.getInstance(), processor)));
 *
 * try (Scope s = BraintrustBaggage.withParent(Context.current(), "experiment_id:" + id).makeCurrent()) {
 *   // spans started here, and downstream services' spans of the same traces, go to the experiment
 * }
 * }</pre>
 */
public final class BraintrustBaggage {
  /** The baggage entry (and span attribute) naming where a trace goes. */
  public static final String PARENT = "braintrust.parent";

  private BraintrustBaggage() {}

  /**
   * {@code context} with {@code parent} ({@code project_id:ID}, {@code project_name:NAME}, {@code
   * experiment_id:ID} or {@code dataset_id:ID}) in its baggage.
   *
   * @param context the context to add to
   * @param parent the parent, in one of those forms
   * @return the context with the baggage entry
   * @throws IllegalArgumentException if {@code parent} is not one of those forms
   */
  public static Context withParent(Context context, String parent) {
    Objects.requireNonNull(context, "context");
    Destination.parse(parent);
    return context.with(Baggage.fromContext(context).toBuilder().put(PARENT, parent).build());
  }

  /**
   * Wraps a baggage propagator (normally {@code W3CBaggagePropagator}) so that what it injects also
   * carries the current span's {@code braintrust.parent} when the baggage has none: the processor's
   * destination, or the one the trace inherited. Extraction is unchanged. Baggage goes with every
   * outgoing call the propagator serves, third-party APIs included, so the destination's name or id
   * is visible to them.
   *
   * @param baggage the baggage propagator to wrap
   * @param processor the processor whose destination fills in a missing parent
   * @return the wrapping propagator
   */
  public static TextMapPropagator propagator(
      TextMapPropagator baggage, BraintrustSpanProcessor processor) {
    Objects.requireNonNull(baggage, "baggage");
    Objects.requireNonNull(processor, "processor");
    return new ParentBaggagePropagator(baggage, processor::parentOf);
  }
}

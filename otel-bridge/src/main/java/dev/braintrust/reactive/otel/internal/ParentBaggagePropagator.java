package dev.braintrust.reactive.otel.internal;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A baggage propagator that adds {@code braintrust.parent} before injecting. It adds to the context
 * it injects rather than writing a header of its own, so the carrier still gets exactly one {@code
 * baggage} header.
 */
public final class ParentBaggagePropagator implements TextMapPropagator {
  private static final String PARENT = SpanMapper.PARENT;

  private final TextMapPropagator delegate;
  private final Function<String, @Nullable String> parentOfSpan;

  /** {@code parentOfSpan} gives the parent of a started span by span id, or null. */
  public ParentBaggagePropagator(
      TextMapPropagator delegate, Function<String, @Nullable String> parentOfSpan) {
    this.delegate = delegate;
    this.parentOfSpan = parentOfSpan;
  }

  @Override
  public Collection<String> fields() {
    return delegate.fields();
  }

  @Override
  public <C> void inject(Context context, @Nullable C carrier, TextMapSetter<C> setter) {
    Baggage baggage = Baggage.fromContext(context);
    if (baggage.getEntryValue(PARENT) == null) {
      SpanContext span = Span.fromContext(context).getSpanContext();
      String parent = span.isValid() ? parentOfSpan.apply(span.getSpanId()) : null;
      if (parent != null) {
        context = context.with(baggage.toBuilder().put(PARENT, parent).build());
      }
    }
    delegate.inject(context, carrier, setter);
  }

  @Override
  public <C> Context extract(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
    return delegate.extract(context, carrier, getter);
  }

  @Override
  public String toString() {
    return "BraintrustParent(" + delegate + ")";
  }
}

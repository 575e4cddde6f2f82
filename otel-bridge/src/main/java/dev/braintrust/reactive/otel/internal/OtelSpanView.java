package dev.braintrust.reactive.otel.internal;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.internal.ParentReference;
import io.opentelemetry.api.trace.SpanContext;

/**
 * An OpenTelemetry span seen as a tracing-core parent; making it current makes the OTel span
 * current, so OTel and tracing-core spans started under it share one tree.
 */
public final class OtelSpanView extends ParentReference {
  private final SpanContext context;

  /** A view of the span with {@code context}, whose children go to {@code destination}. */
  public OtelSpanView(SpanContext context, Destination destination) {
    super(context.getTraceId(), context.getSpanId(), destination, "opentelemetry");
    this.context = context;
  }

  @Override
  public Scope makeCurrent() {
    io.opentelemetry.context.Scope s = io.opentelemetry.api.trace.Span.wrap(context).makeCurrent();
    return s::close;
  }
}

package dev.braintrust.reactive.core.internal;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import java.util.List;

/**
 * A span owned elsewhere (an OpenTelemetry span, a caller's span named by {@code traceparent}) seen
 * as a tracing-core parent: it lends its trace and span ids and a destination, nothing else.
 * Children are started with {@code Tracer.startSpan(name, type, parent)}; logging to it is a no-op
 * and it never ends, since its owner writes its row.
 */
public abstract class ParentReference implements Span {
  private final String traceId;
  private final String spanId;
  private final Destination destination;
  private final String label;

  /** A reference to span {@code spanId} of trace {@code traceId}; {@code label} names its owner. */
  protected ParentReference(String traceId, String spanId, Destination destination, String label) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.destination = destination;
    this.label = label;
  }

  @Override
  public final String id() {
    return spanId;
  }

  @Override
  public final String spanId() {
    return spanId;
  }

  @Override
  public final String rootSpanId() {
    return traceId;
  }

  @Override
  public final List<String> parentSpanIds() {
    return List.of();
  }

  @Override
  public final Destination destination() {
    return destination;
  }

  @Override
  public final String name() {
    return label;
  }

  @Override
  public final SpanType type() {
    return SpanType.TASK;
  }

  @Override
  public final Span log(Log log) {
    return this;
  }

  @Override
  public final Span startChild(String name, SpanType type) {
    throw new UnsupportedOperationException(
        "a "
            + label
            + " span can't start children itself; use Tracer.startSpan(name, type, parent)");
  }

  @Override
  public final void end() {}

  @Override
  public final boolean isEnded() {
    return false;
  }

  @Override
  public String toString() {
    return label + "{" + spanId + "}";
  }
}

package dev.braintrust.reactive.core.internal;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanSink;
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

  /**
   * Whether spans started under this one (at any depth) report to {@link #descendantEnded} when
   * they end; false unless a subclass overrides it.
   */
  public boolean watchesDescendants() {
    return false;
  }

  /**
   * Called on the ending thread, after {@code sink} took the row, when a span started under this
   * one (at any depth) ends, if {@link #watchesDescendants()}. An eval's task span uses it to see
   * the task's spans and which sinks must be flushed. Must be quick and never throw.
   *
   * @param sink the sink the span's row went to
   * @param event the span's row
   */
  public void descendantEnded(SpanSink sink, BraintrustEvent event) {}

  @Override
  public String toString() {
    return label + "{" + spanId + "}";
  }
}

package dev.braintrust.reactive.spring.internal;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import java.util.List;

/**
 * The caller's span named by an inbound {@code traceparent}, as a parent for {@code
 * Tracer.startSpan(name, type, parent)}: it lends its trace and span ids and nothing else. It is
 * never current and never ends; the caller's tracer owns that span's row.
 */
public final class RemoteParentSpan implements Span {
  private final String traceId;
  private final String spanId;
  private final Destination destination;

  public RemoteParentSpan(String traceId, String spanId, Destination destination) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.destination = destination;
  }

  @Override
  public String id() {
    return spanId;
  }

  @Override
  public String spanId() {
    return spanId;
  }

  @Override
  public String rootSpanId() {
    return traceId;
  }

  @Override
  public List<String> parentSpanIds() {
    return List.of();
  }

  @Override
  public Destination destination() {
    return destination;
  }

  @Override
  public String name() {
    return "remote-parent";
  }

  @Override
  public SpanType type() {
    return SpanType.TASK;
  }

  @Override
  public Span log(Log log) {
    return this;
  }

  @Override
  public Span startChild(String name, SpanType type) {
    throw new UnsupportedOperationException(
        "a remote parent can't start children itself; use Tracer.startSpan(name, type, parent)");
  }

  @Override
  public Scope makeCurrent() {
    throw new UnsupportedOperationException("a remote parent is never current");
  }

  @Override
  public void end() {}

  @Override
  public boolean isEnded() {
    return false;
  }

  @Override
  public String toString() {
    return "RemoteParentSpan{" + traceId + "/" + spanId + "}";
  }
}

package dev.braintrust.reactive.otel.internal;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import io.opentelemetry.api.trace.SpanContext;
import java.util.List;

/**
 * An OpenTelemetry span seen as a tracing-core parent. It only lends its ids and destination:
 * children are started with {@code Tracer.startSpan(name, type, parent)}; logging to it is a no-op,
 * since the OTel span owns its own data.
 */
public final class OtelSpanView implements Span {
  private final SpanContext context;
  private final Destination destination;

  public OtelSpanView(SpanContext context, Destination destination) {
    this.context = context;
    this.destination = destination;
  }

  @Override
  public String id() {
    return context.getSpanId();
  }

  @Override
  public String spanId() {
    return context.getSpanId();
  }

  @Override
  public String rootSpanId() {
    return context.getTraceId();
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
    return "opentelemetry";
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
        "an OpenTelemetry span can't start tracing-core children itself; use Tracer.startSpan(name, type, parent)");
  }

  @Override
  public Scope makeCurrent() {
    io.opentelemetry.context.Scope s = io.opentelemetry.api.trace.Span.wrap(context).makeCurrent();
    return s::close;
  }

  @Override
  public void end() {}

  @Override
  public boolean isEnded() {
    return false;
  }

  @Override
  public String toString() {
    return "OtelSpanView{" + context.getSpanId() + "}";
  }
}

package dev.braintrust.reactive.otel.internal;

import dev.braintrust.reactive.core.ContextBridge;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Shares the current span between tracing-core and OpenTelemetry: a tracing-core span made current
 * is also current in OTel's {@link Context} (so OTel spans started inside become its children), and
 * an OTel span current on the thread is the parent tracing-core sees.
 */
public final class OtelContextBridge implements ContextBridge {
  private static final ContextKey<Span> CORE = ContextKey.named("braintrust-core-span");

  private final Function<String, Destination> destinationOfSpan;

  /** {@code destinationOfSpan} gives the destination of an OTel span by span id. */
  public OtelContextBridge(Function<String, Destination> destinationOfSpan) {
    this.destinationOfSpan = destinationOfSpan;
  }

  @Override
  public @Nullable Span currentSpan() {
    Context ctx = Context.current();
    io.opentelemetry.api.trace.Span otel = io.opentelemetry.api.trace.Span.fromContextOrNull(ctx);
    if (otel == null) {
      return null;
    }
    SpanContext sc = otel.getSpanContext();
    if (!sc.isValid()) {
      return null;
    }
    Span core = ctx.get(CORE);
    if (core != null && core.spanId().equals(sc.getSpanId())) {
      return core;
    }
    return new OtelSpanView(sc, destinationOfSpan.apply(sc.getSpanId()));
  }

  @Override
  public Scope makeCurrent(Span span) {
    SpanContext sc =
        SpanContext.create(
            span.rootSpanId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
    if (!sc.isValid()) {
      return () -> {};
    }
    io.opentelemetry.context.Scope s =
        Context.current()
            .with(io.opentelemetry.api.trace.Span.wrap(sc))
            .with(CORE, span)
            .makeCurrent();
    return s::close;
  }
}

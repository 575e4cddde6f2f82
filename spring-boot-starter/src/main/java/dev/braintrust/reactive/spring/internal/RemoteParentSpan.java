package dev.braintrust.reactive.spring.internal;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.internal.ParentReference;

/**
 * The caller's span named by an inbound {@code traceparent}, as a parent for {@code
 * Tracer.startSpan(name, type, parent)}. It is never current; the caller's tracer owns its row.
 */
public final class RemoteParentSpan extends ParentReference {

  /** The caller's span {@code spanId} of trace {@code traceId}. */
  public RemoteParentSpan(String traceId, String spanId, Destination destination) {
    super(traceId, spanId, destination, "remote-parent");
  }

  @Override
  public Scope makeCurrent() {
    throw new UnsupportedOperationException("a remote parent is never current");
  }
}

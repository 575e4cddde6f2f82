package dev.braintrust.reactive.core.internal;

import org.jspecify.annotations.Nullable;

/** A span row's ids as random bits; a trace or parent from elsewhere stays a string. */
public interface SpanBits {
  /** The row id's UUID, high half. */
  long rowHi();

  /** The row id's UUID, low half. */
  long rowLo();

  /** The span id. */
  long span();

  /** The trace id, high half; unused when {@link #foreignTrace()} is set. */
  long traceHi();

  /** The trace id, low half; unused when {@link #foreignTrace()} is set. */
  long traceLo();

  /** The parent span id, 0 when there is none or it is {@link #foreignParent()}. */
  long parentSpan();

  /** A trace id taken as given from a parent of another kind, or null. */
  @Nullable String foreignTrace();

  /** A parent span id taken as given from a parent of another kind, or null. */
  @Nullable String foreignParent();
}

package dev.braintrust.reactive.core;

import org.jspecify.annotations.Nullable;

/**
 * Links the current span with another tracing system's context (the OpenTelemetry bridge installs
 * one). With a bridge installed, {@link Tracing#currentSpan()} asks it for the innermost span, and
 * {@link Span#makeCurrent()} makes the span current in both worlds.
 */
public interface ContextBridge {
  /**
   * The innermost current span in the other system, as a {@link Span}, or null.
   *
   * @return the innermost current span in the other system, as a {@link Span}, or null
   */
  @Nullable Span currentSpan();

  /**
   * Makes {@code span} current in the other system; the returned scope undoes it.
   *
   * @param span the span to make current
   * @return the scope that undoes it
   */
  Scope makeCurrent(Span span);
}

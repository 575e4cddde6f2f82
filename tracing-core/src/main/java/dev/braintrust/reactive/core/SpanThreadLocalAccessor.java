package dev.braintrust.reactive.core;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Lets Micrometer's context-propagation library carry the current span between the Reactor {@code
 * Context} (key {@link Tracing#CONTEXT_KEY}) and the thread-local that {@link
 * Tracing#currentSpan()} reads. With {@code Hooks.enableAutomaticContextPropagation()} (Spring
 * Boot: {@code spring.reactor.context-propagation=auto}) blocking code inside operators sees the
 * subscriber's span without {@link Tracing#fromCallable}; a {@code ContextSnapshot} carries it
 * across executors.
 *
 * <p>Registered through {@code META-INF/services}, so it is active whenever {@code
 * io.micrometer:context-propagation} is on the class path (an optional dependency of this module);
 * nothing to call. It sets only this library's thread-local, not a bridged tracing system's own
 * context.
 */
public final class SpanThreadLocalAccessor implements ThreadLocalAccessor<Span> {

  /** Used by the service loader. */
  public SpanThreadLocalAccessor() {}

  @Override
  public Object key() {
    return Tracing.CONTEXT_KEY;
  }

  @Override
  public @Nullable Span getValue() {
    return Tracing.localSpan();
  }

  @Override
  public void setValue(Span value) {
    Tracing.setLocalSpan(value);
  }

  @Override
  public void setValue() {
    Tracing.setLocalSpan(null);
  }
}

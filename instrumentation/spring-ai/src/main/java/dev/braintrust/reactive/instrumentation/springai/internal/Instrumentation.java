package dev.braintrust.reactive.instrumentation.springai.internal;

/**
 * Names this module as the creator of its spans, for {@code context.span_origin.instrumentation}:
 * every span of this module (chat and embedding calls) is created here.
 */
public final class Instrumentation {
  /** The module's name, as its Java module is named. */
  public static final String NAME = "instrumentation-spring-ai";

  private Instrumentation() {}
}

package dev.braintrust.reactive.instrumentation.langchain4j.internal;

/**
 * Names this module as the creator of its spans, for {@code context.span_origin.instrumentation}
 * once the core records span origins: every span of this module (agent runs, tools, model calls,
 * embeddings) is created here.
 */
public final class Instrumentation {
  /** The module's name, as its Java module is named. */
  public static final String NAME = "instrumentation-langchain4j";

  private Instrumentation() {}
}

package dev.braintrust.reactive.core;

/**
 * Receives finished span rows. The bounded buffer ({@link
 * dev.braintrust.reactive.core.export.BraintrustExporter}) is the usual implementation.
 *
 * <p>Implementations are called on application threads: they must not block beyond what their
 * overflow policy allows and must never throw.
 */
@FunctionalInterface
public interface SpanSink {
  /**
   * Takes one event; never throws.
   *
   * @param event the event
   */
  void accept(BraintrustEvent event);

  /**
   * A sink that discards everything, for tracing switched off.
   *
   * @return a sink that discards everything, for tracing switched off
   */
  static SpanSink noop() {
    return event -> {};
  }
}

package dev.braintrust.reactive.core;

/**
 * Makes a span current on this thread until closed. Close it on the thread that opened it,
 * preferably with try-with-resources.
 */
public interface Scope extends AutoCloseable {
  /** Restores the span that was current before this scope opened. Never throws. */
  @Override
  void close();
}

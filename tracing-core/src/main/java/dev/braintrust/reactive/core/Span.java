package dev.braintrust.reactive.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A unit of traced work. Log to it any number of times, start children, then {@link #end()} it.
 *
 * <p>Spans are thread-safe. Logging never throws because of export problems; it throws {@link
 * IllegalArgumentException} only for invalid values (see {@link Log}). {@code end()} is idempotent;
 * fields logged after the end are sent as a merge into the same row.
 */
public interface Span {

  /**
   * The row id (upsert key).
   *
   * @return the row id (upsert key)
   */
  String id();

  /**
   * The span id.
   *
   * @return the span id
   */
  String spanId();

  /**
   * The root span id of this span's trace.
   *
   * @return the root span id of this span's trace
   */
  String rootSpanId();

  /**
   * Parent span ids, nearest first; empty for a root span.
   *
   * @return parent span ids, nearest first; empty for a root span
   */
  List<String> parentSpanIds();

  /**
   * The destination the span's row goes to.
   *
   * @return the destination the span's row goes to
   */
  Destination destination();

  /**
   * The span name.
   *
   * @return the span name
   */
  String name();

  /**
   * The span type.
   *
   * @return the span type
   */
  SpanType type();

  /**
   * Renames the span, for names known only after it started (a request span named after its route
   * once routing has run). Ignored once the span has ended, as in OpenTelemetry, and by spans that
   * only stand for another system's span.
   *
   * @param name the new name
   * @return this span
   */
  default Span updateName(String name) {
    return this;
  }

  /**
   * Logs several fields at once; see {@link Log} for merge rules.
   *
   * @param log the fields to log
   * @return a span that logs to this one
   */
  Span log(Log log);

  /**
   * Sets the input.
   *
   * @param input the input
   * @return this span
   */
  default Span input(@Nullable Object input) {
    return log(Log.builder().input(input).build());
  }

  /**
   * Sets the output.
   *
   * @param output the output
   * @return this span
   */
  default Span output(@Nullable Object output) {
    return log(Log.builder().output(output).build());
  }

  /**
   * Sets the expected value.
   *
   * @param expected the expected value
   * @return this span
   */
  default Span expected(@Nullable Object expected) {
    return log(Log.builder().expected(expected).build());
  }

  /**
   * Records a score between 0 and 1, or null.
   *
   * @param name the score's name
   * @param value the score, or null
   * @return this span
   */
  default Span score(String name, @Nullable Number value) {
    return log(Log.builder().score(name, value).build());
  }

  /**
   * Adds a metadata entry.
   *
   * @param key the entry's key
   * @param value the entry's value
   * @return this span
   */
  default Span metadata(String key, @Nullable Object value) {
    return log(Log.builder().metadata(key, value).build());
  }

  /**
   * Records a finite numeric metric such as {@code prompt_tokens}.
   *
   * @param name the metric's name
   * @param value the metric's value
   * @return this span
   */
  default Span metric(String name, Number value) {
    return log(Log.builder().metric(name, value).build());
  }

  /**
   * Adds a tag.
   *
   * @param tag the tag
   * @return this span
   */
  default Span tag(String tag) {
    return log(Log.builder().tag(tag).build());
  }

  /**
   * Records an error; the span still needs {@link #end()}.
   *
   * @param error the error
   * @return this span
   */
  default Span error(Throwable error) {
    return log(Log.builder().error(error).build());
  }

  /**
   * Starts a child span in the same trace and destination.
   *
   * @param name the child's name
   * @param type the child's type
   * @return the child span, started
   */
  Span startChild(String name, SpanType type);

  /**
   * Makes this span current on this thread until the scope is closed.
   *
   * @return the scope that restores the previous span
   */
  Scope makeCurrent();

  /** Ends the span and hands its row to the sink; later calls do nothing. */
  void end();

  /**
   * Whether {@link #end()} was called.
   *
   * @return whether {@link #end()} was called
   */
  boolean isEnded();
}

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

  /** The row id (upsert key). */
  String id();

  /** The span id. */
  String spanId();

  /** The root span id of this span's trace. */
  String rootSpanId();

  /** Parent span ids, nearest first; empty for a root span. */
  List<String> parentSpanIds();

  /** The destination the span's row goes to. */
  Destination destination();

  /** The span name. */
  String name();

  /** The span type. */
  SpanType type();

  /**
   * Renames the span, for names known only after it started (a request span named after its route
   * once routing has run). Ignored once the span has ended, as in OpenTelemetry, and by spans that
   * only stand for another system's span.
   */
  default Span updateName(String name) {
    return this;
  }

  /** Logs several fields at once; see {@link Log} for merge rules. */
  Span log(Log log);

  /** Sets the input. */
  default Span input(@Nullable Object input) {
    return log(Log.builder().input(input).build());
  }

  /** Sets the output. */
  default Span output(@Nullable Object output) {
    return log(Log.builder().output(output).build());
  }

  /** Sets the expected value. */
  default Span expected(@Nullable Object expected) {
    return log(Log.builder().expected(expected).build());
  }

  /** Records a score between 0 and 1, or null. */
  default Span score(String name, @Nullable Number value) {
    return log(Log.builder().score(name, value).build());
  }

  /** Adds a metadata entry. */
  default Span metadata(String key, @Nullable Object value) {
    return log(Log.builder().metadata(key, value).build());
  }

  /** Records a finite numeric metric such as {@code prompt_tokens}. */
  default Span metric(String name, Number value) {
    return log(Log.builder().metric(name, value).build());
  }

  /** Adds a tag. */
  default Span tag(String tag) {
    return log(Log.builder().tag(tag).build());
  }

  /** Records an error; the span still needs {@link #end()}. */
  default Span error(Throwable error) {
    return log(Log.builder().error(error).build());
  }

  /** Starts a child span in the same trace and destination. */
  Span startChild(String name, SpanType type);

  /** Makes this span current on this thread until the scope is closed. */
  Scope makeCurrent();

  /** Ends the span and hands its row to the sink; later calls do nothing. */
  void end();

  /** Whether {@link #end()} was called. */
  boolean isEnded();
}

package dev.braintrust.reactive.eval;

import dev.braintrust.reactive.core.SpanType;
import java.util.List;
import java.util.Objects;

/**
 * The spans one case's task produced through any tracer (an LLM wrapper's, the user's own), in the
 * order they ended, from the in-memory rows of the current case: a trace-aware scorer reads them
 * without a round trip to the server. Spans still open when the task's output arrived are not in
 * it.
 */
public final class TaskTrace {
  private static final TaskTrace EMPTY = new TaskTrace(List.of());

  private final List<TraceSpan> spans;

  TaskTrace(List<TraceSpan> spans) {
    this.spans = List.copyOf(spans);
  }

  /** A trace without spans. */
  public static TaskTrace empty() {
    return EMPTY;
  }

  /** A trace of these spans, for tests of scorers. */
  public static TaskTrace of(List<TraceSpan> spans) {
    return new TaskTrace(Objects.requireNonNull(spans, "spans"));
  }

  /** Every span, in the order they ended. */
  public List<TraceSpan> spans() {
    return spans;
  }

  /** The spans of one type, e.g. {@link SpanType#LLM} for the model calls. */
  public List<TraceSpan> spans(SpanType type) {
    Objects.requireNonNull(type, "type");
    return spans.stream().filter(s -> s.type().equals(type.wireName())).toList();
  }

  /** The sum of a metric over the spans that have it, e.g. {@code "tokens"}; 0 when none has. */
  public double metric(String name) {
    Objects.requireNonNull(name, "name");
    double sum = 0;
    for (TraceSpan s : spans) {
      Number n = s.metrics().get(name);
      if (n != null) {
        sum += n.doubleValue();
      }
    }
    return sum;
  }

  @Override
  public String toString() {
    return "TaskTrace" + spans.stream().map(TraceSpan::name).toList();
  }
}

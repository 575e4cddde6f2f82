package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.BraintrustEventBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Folds two updates of the same row into one, when the result is what the server would store. */
final class EventMerge {
  private EventMerge() {}

  /**
   * The row the server would hold after {@code first} then {@code second}, or null when folding
   * them locally could differ from the server's deep merge (nested maps under one metadata key,
   * tags on both sides).
   */
  static @Nullable BraintrustEvent fold(BraintrustEvent first, BraintrustEvent second) {
    if (!second.isMerge()) {
      return second;
    }
    if (!first.tags().isEmpty() && !second.tags().isEmpty()) {
      return null;
    }
    for (Map.Entry<String, @Nullable Object> m : second.metadata().entrySet()) {
      Object old = first.metadata().get(m.getKey());
      if (old instanceof Map && m.getValue() instanceof Map) {
        return null;
      }
    }
    for (Map.Entry<String, @Nullable Object> c : second.context().entrySet()) {
      if (first.context().get(c.getKey()) instanceof Map && c.getValue() instanceof Map) {
        return null;
      }
    }
    BraintrustEventBuilder b =
        BraintrustEvent.builder(first.destination(), first.id()).merge(first.isMerge());
    BraintrustEvent ids = first.spanId() != null ? first : second;
    if (ids.spanId() != null) {
      b.span(ids.spanId(), ids.rootSpanId(), ids.spanParents());
    }
    b.spanAttributes(
        second.spanName() != null ? second.spanName() : first.spanName(),
        second.spanType() != null ? second.spanType() : first.spanType());
    b.created(first.created() != null ? first.created() : second.created());
    pick(b, first, second);
    overlay(first.scores(), second.scores()).forEach(b::score);
    overlay(first.metadata(), second.metadata()).forEach(b::metadata);
    overlay(first.otherMetrics(), second.otherMetrics()).forEach(b::metric);
    overlay(first.context(), second.context()).forEach(b::context);
    b.instrumentation(
        first.instrumentation() != null ? first.instrumentation() : second.instrumentation());
    double start = Double.isNaN(second.startTime()) ? first.startTime() : second.startTime();
    double end = Double.isNaN(second.endTime()) ? first.endTime() : second.endTime();
    if (!Double.isNaN(start)) {
      b.metric("start", start);
    }
    if (!Double.isNaN(end)) {
      b.metric("end", end);
    }
    (second.tags().isEmpty() ? first.tags() : second.tags()).forEach(b::tag);
    return b.build();
  }

  private static void pick(
      BraintrustEventBuilder b, BraintrustEvent first, BraintrustEvent second) {
    if (second.hasInput()) {
      b.input(second.input());
    } else if (first.hasInput()) {
      b.input(first.input());
    }
    if (second.hasOutput()) {
      b.output(second.output());
    } else if (first.hasOutput()) {
      b.output(first.output());
    }
    if (second.hasExpected()) {
      b.expected(second.expected());
    } else if (first.hasExpected()) {
      b.expected(first.expected());
    }
    if (second.hasError()) {
      b.error(second.error());
    } else if (first.hasError()) {
      b.error(first.error());
    }
  }

  private static <V> Map<String, V> overlay(Map<String, V> a, Map<String, V> b) {
    if (b.isEmpty()) {
      return a;
    }
    if (a.isEmpty()) {
      return b;
    }
    Map<String, V> m = new LinkedHashMap<>(a);
    m.putAll(b);
    return m;
  }
}

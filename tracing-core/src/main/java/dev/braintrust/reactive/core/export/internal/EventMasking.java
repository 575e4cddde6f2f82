package dev.braintrust.reactive.core.export.internal;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.BraintrustEventBuilder;
import dev.braintrust.reactive.core.export.Masker;
import dev.braintrust.reactive.core.internal.RawJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Applies a {@link Masker} to an event's input, output, expected and metadata values, on the
 * caller's thread before the event is buffered. An event whose values all come back unchanged is
 * returned as is; otherwise a copy is built with the masked values. A masker that throws (anything,
 * errors included) gets its value replaced by {@link Masker#FAILED}; the failure is reported to
 * {@code onFailure} with the field and the exception, never rethrown.
 */
public final class EventMasking {
  private final Masker masker;
  private final BiConsumer<String, Throwable> onFailure;

  /** Masking with {@code masker}, reporting failures to {@code onFailure}. */
  public EventMasking(Masker masker, BiConsumer<String, Throwable> onFailure) {
    this.masker = masker;
    this.onFailure = onFailure;
  }

  /** The event with its user values masked. */
  public BraintrustEvent apply(BraintrustEvent e) {
    Object input = e.hasInput() ? mask("input", e.input()) : null;
    Object output = e.hasOutput() ? mask("output", e.output()) : null;
    Object expected = e.hasExpected() ? mask("expected", e.expected()) : null;
    Map<String, @Nullable Object> metadata = null;
    for (Map.Entry<String, @Nullable Object> m : e.metadata().entrySet()) {
      Object v = m.getValue();
      Object masked = mask("metadata." + m.getKey(), v);
      if (masked != v && metadata == null) {
        metadata = new LinkedHashMap<>(e.metadata());
      }
      if (metadata != null) {
        metadata.put(m.getKey(), masked);
      }
    }
    if (input == e.input()
        && output == e.output()
        && expected == e.expected()
        && metadata == null) {
      return e;
    }
    return copy(e, input, output, expected, metadata != null ? metadata : e.metadata());
  }

  private @Nullable Object mask(String field, @Nullable Object value) {
    if (value == null) {
      return null;
    }
    try {
      // Raw JSON text reaches the masker as the tree it would otherwise have been (which the
      // masker may change in place, so the tree is kept, not the text).
      return masker.mask(field, RawJson.treeOf(value));
    } catch (Throwable t) {
      onFailure.accept(field, t);
      return Masker.FAILED;
    }
  }

  private static BraintrustEvent copy(
      BraintrustEvent e,
      @Nullable Object input,
      @Nullable Object output,
      @Nullable Object expected,
      Map<String, @Nullable Object> metadata) {
    BraintrustEventBuilder b = BraintrustEvent.builder(e.destination(), e.id()).merge(e.isMerge());
    String spanId = e.spanId();
    String root = e.rootSpanId();
    if (spanId != null && root != null) {
      b.span(spanId, root, e.spanParents());
    }
    if (e.spanName() != null || e.spanType() != null) {
      b.spanAttributes(e.spanName(), e.spanType());
    }
    b.created(e.created());
    if (e.hasInput()) {
      b.input(input);
    }
    if (e.hasOutput()) {
      b.output(output);
    }
    if (e.hasExpected()) {
      b.expected(expected);
    }
    if (e.hasError()) {
      b.error(e.error());
    }
    e.scores().forEach(b::score);
    metadata.forEach(b::metadata);
    e.otherMetrics().forEach(b::metric);
    e.context().forEach(b::context);
    b.instrumentation(e.instrumentation());
    if (!Double.isNaN(e.startTime())) {
      b.metric("start", e.startTime());
    }
    if (!Double.isNaN(e.endTime())) {
      b.metric("end", e.endTime());
    }
    e.tags().forEach(b::tag);
    return b.build();
  }
}

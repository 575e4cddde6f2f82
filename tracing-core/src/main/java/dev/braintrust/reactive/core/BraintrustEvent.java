package dev.braintrust.reactive.core;

import dev.braintrust.reactive.core.internal.ArrayMap;
import dev.braintrust.reactive.core.internal.EventAccess;
import dev.braintrust.reactive.core.internal.SpanBits;
import dev.braintrust.reactive.core.internal.Validation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One row for the Braintrust insert API: a trace span, an experiment row or a dataset record. It is
 * upserted by {@link #id()}; when {@link #isMerge()} is true it merges into an existing row.
 *
 * <p>Immutable once built. User values (input, output, expected, metadata values) are kept as given
 * and written to JSON later, off the caller's thread: don't mutate them after logging.
 */
public final class BraintrustEvent {
  static {
    EventAccess.install(
        new EventAccess() {
          @Override
          public BraintrustEventBuilder metadataMap(
              BraintrustEventBuilder b, Map<String, @Nullable Object> m) {
            return b.metadataMap(m);
          }

          @Override
          public java.time.@Nullable Instant createdAt(BraintrustEvent e) {
            return e.created == null ? e.createdAt : null;
          }

          @Override
          public @Nullable SpanBits spanBits(BraintrustEvent e) {
            return e.id == null ? e.ids : null;
          }

          @Override
          public BraintrustEvent newDeferred(
              Destination destination,
              String id,
              boolean mayHoldAttachments,
              Supplier<BraintrustEvent> body,
              Function<Throwable, BraintrustEvent> fallback) {
            return new BraintrustEvent(
                destination, id, new Deferred(destination, id, mayHoldAttachments, body, fallback));
          }

          @Override
          public BraintrustEvent resolved(BraintrustEvent e) {
            return e.deferred == null ? e : e.deferred.get();
          }

          @Override
          public @Nullable String deferredFailure(BraintrustEvent e) {
            if (e.deferred == null) {
              return null;
            }
            e.deferred.get();
            return e.deferred.failure;
          }

          @Override
          public boolean mayHold(BraintrustEvent e) {
            return e.deferred == null || e.deferred.mayHoldAttachments;
          }
        });
  }

  private final Destination destination;
  private final @Nullable String id;
  private final @Nullable SpanIds ids;
  private final boolean merge;
  private final @Nullable Object input;
  private final @Nullable Object output;
  private final @Nullable Object expected;
  private final @Nullable Object error;
  private final boolean hasInput;
  private final boolean hasOutput;
  private final boolean hasExpected;
  private final boolean hasError;
  private final Map<String, @Nullable Double> scores;
  private final Map<String, @Nullable Object> metadata;
  private final Map<String, Number> metrics;
  private final Map<String, @Nullable Object> context;
  private final @Nullable String instrumentation;
  private final List<String> tags;
  private final @Nullable String spanId;
  private final @Nullable String rootSpanId;
  private final List<String> spanParents;
  private final @Nullable String spanName;
  private final @Nullable String spanType;
  private final @Nullable String created;
  private final java.time.@Nullable Instant createdAt;
  private final double start;
  private final double end;
  // Set for a row whose content is built on the exporter's thread; every content accessor reads
  // the built row, so the exporter's stages see the same event either way.
  private final @Nullable Deferred deferred;

  BraintrustEvent(BraintrustEventBuilder b) {
    this.destination = Objects.requireNonNull(b.destination, "destination");
    // Checked by the builder when it was made (its only way in).
    this.id = b.id;
    this.ids = null;
    this.merge = b.merge;
    this.input = b.input;
    this.output = b.output;
    this.expected = b.expected;
    this.error = b.error;
    this.hasInput = b.hasInput;
    this.hasOutput = b.hasOutput;
    this.hasExpected = b.hasExpected;
    this.hasError = b.hasError;
    this.scores = freeze(b.scores);
    this.metadata = freeze(b.metadata);
    this.metrics = freeze(b.metrics);
    this.context = freeze(b.context);
    this.instrumentation = b.instrumentation;
    this.tags = b.tags.isEmpty() ? List.of() : Collections.unmodifiableList(b.tags);
    this.spanId = b.spanId;
    this.rootSpanId = b.rootSpanId;
    this.spanParents =
        b.spanParents.isEmpty() ? List.of() : Collections.unmodifiableList(b.spanParents);
    this.spanName = b.spanName;
    this.spanType = b.spanType;
    this.created = b.created;
    this.createdAt = b.createdAt;
    this.start = b.start;
    this.end = b.end;
    this.deferred = null;
  }

  /** A finished span's row, built without a builder: this runs on the caller's thread. */
  BraintrustEvent(
      Destination destination,
      SpanIds ids,
      String spanName,
      String spanType,
      java.time.Instant createdAt,
      double start,
      double end,
      @Nullable Object input,
      boolean hasInput,
      @Nullable Object output,
      boolean hasOutput,
      @Nullable Object expected,
      boolean hasExpected,
      @Nullable Object error,
      boolean hasError,
      Map<String, @Nullable Double> scores,
      Map<String, @Nullable Object> metadata,
      Map<String, Number> metrics,
      Map<String, @Nullable Object> context,
      String instrumentation,
      List<String> tags) {
    this.destination = destination;
    this.id = null;
    this.ids = ids;
    this.merge = false;
    this.input = input;
    this.output = output;
    this.expected = expected;
    this.error = error;
    this.hasInput = hasInput;
    this.hasOutput = hasOutput;
    this.hasExpected = hasExpected;
    this.hasError = hasError;
    this.scores = freeze(scores);
    this.metadata = freeze(metadata);
    this.metrics = freeze(metrics);
    this.context = freeze(context);
    this.instrumentation = instrumentation;
    this.tags = tags.isEmpty() ? List.of() : Collections.unmodifiableList(tags);
    this.spanId = null;
    this.rootSpanId = null;
    this.spanParents = List.of();
    this.spanName = spanName;
    this.spanType = spanType;
    this.created = null;
    this.createdAt = createdAt;
    this.start = start;
    this.end = end;
    this.deferred = null;
  }

  /** A row whose content {@code deferred} builds when first read, normally by the encoder. */
  private BraintrustEvent(Destination destination, String id, Deferred deferred) {
    this.destination = destination;
    this.id = Validation.id(id);
    this.ids = null;
    this.merge = false;
    this.input = null;
    this.output = null;
    this.expected = null;
    this.error = null;
    this.hasInput = false;
    this.hasOutput = false;
    this.hasExpected = false;
    this.hasError = false;
    this.scores = Map.of();
    this.metadata = Map.of();
    this.metrics = Map.of();
    this.context = Map.of();
    this.instrumentation = null;
    this.tags = List.of();
    this.spanId = null;
    this.rootSpanId = null;
    this.spanParents = List.of();
    this.spanName = null;
    this.spanType = null;
    this.created = null;
    this.createdAt = null;
    this.start = Double.NaN;
    this.end = Double.NaN;
    this.deferred = deferred;
  }

  private static <V> Map<String, V> freeze(@Nullable Map<String, V> m) {
    if (m == null || m.isEmpty()) {
      return Map.of();
    }
    // Frozen ArrayMaps from Log are read-only already; wrapping them would only cost an object.
    return m instanceof ArrayMap ? m : Collections.unmodifiableMap(m);
  }

  /** A builder for a row in {@code destination} with this {@code id}. */
  public static BraintrustEventBuilder builder(Destination destination, String id) {
    return new BraintrustEventBuilder(destination, id);
  }

  /** Where the row goes. */
  public Destination destination() {
    return destination;
  }

  /** The row id (upsert key). */
  public String id() {
    return id != null ? id : Objects.requireNonNull(ids).rowId();
  }

  /** Whether the row merges into an existing one ({@code _is_merge}). */
  public boolean isMerge() {
    return merge;
  }

  /** The input, or null. Use {@link #hasInput()} to tell null from absent. */
  public @Nullable Object input() {
    if (deferred != null) {
      return deferred.get().input();
    }
    return input;
  }

  /** The output, or null. */
  public @Nullable Object output() {
    if (deferred != null) {
      return deferred.get().output();
    }
    return output;
  }

  /** The expected value, or null. */
  public @Nullable Object expected() {
    if (deferred != null) {
      return deferred.get().expected();
    }
    return expected;
  }

  /** The error, or null. */
  public @Nullable Object error() {
    if (deferred != null) {
      return deferred.get().error();
    }
    return error;
  }

  /** Whether an input was set, even to null. */
  public boolean hasInput() {
    if (deferred != null) {
      return deferred.get().hasInput();
    }
    return hasInput;
  }

  /** Whether an output was set. */
  public boolean hasOutput() {
    if (deferred != null) {
      return deferred.get().hasOutput();
    }
    return hasOutput;
  }

  /** Whether an expected value was set. */
  public boolean hasExpected() {
    if (deferred != null) {
      return deferred.get().hasExpected();
    }
    return hasExpected;
  }

  /** Whether an error was set. */
  public boolean hasError() {
    if (deferred != null) {
      return deferred.get().hasError();
    }
    return hasError;
  }

  /** Scores by name, each null or in [0, 1]. */
  public Map<String, @Nullable Double> scores() {
    if (deferred != null) {
      return deferred.get().scores();
    }
    return scores;
  }

  /** Metadata. */
  public Map<String, @Nullable Object> metadata() {
    if (deferred != null) {
      return deferred.get().metadata();
    }
    return metadata;
  }

  /** Metrics such as {@code start}, {@code end}, {@code prompt_tokens}. */
  public Map<String, Number> metrics() {
    if (deferred != null) {
      return deferred.get().metrics();
    }
    if (Double.isNaN(start) && Double.isNaN(end)) {
      return metrics;
    }
    Map<String, Number> all = new LinkedHashMap<>();
    if (!Double.isNaN(start)) {
      all.put("start", start);
    }
    all.putAll(metrics);
    if (!Double.isNaN(end)) {
      all.put("end", end);
    }
    return Collections.unmodifiableMap(all);
  }

  /** Metrics other than {@code start} and {@code end}, without copying. */
  public Map<String, Number> otherMetrics() {
    if (deferred != null) {
      return deferred.get().otherMetrics();
    }
    return metrics;
  }

  /** {@code metrics.start} in epoch seconds, NaN when absent. */
  public double startTime() {
    if (deferred != null) {
      return deferred.get().startTime();
    }
    return start;
  }

  /** {@code metrics.end} in epoch seconds, NaN when absent. */
  public double endTime() {
    if (deferred != null) {
      return deferred.get().endTime();
    }
    return end;
  }

  /**
   * Context entries logged by the caller (see {@link Log.Builder#context}); the encoder adds {@code
   * span_origin} to them for rows with an {@link #instrumentation()}.
   */
  public Map<String, @Nullable Object> context() {
    if (deferred != null) {
      return deferred.get().context();
    }
    return context;
  }

  /**
   * {@code context.span_origin.instrumentation.name}: the module that made this span, or null for
   * rows that carry no span origin (merges, dataset records).
   */
  public @Nullable String instrumentation() {
    if (deferred != null) {
      return deferred.get().instrumentation();
    }
    return instrumentation;
  }

  /** Tags. */
  public List<String> tags() {
    if (deferred != null) {
      return deferred.get().tags();
    }
    return tags;
  }

  /** The span id, or null for rows that are not spans. */
  public @Nullable String spanId() {
    if (deferred != null) {
      return deferred.get().spanId();
    }
    return ids != null ? ids.spanId() : spanId;
  }

  /** The root span id of the trace. */
  public @Nullable String rootSpanId() {
    if (deferred != null) {
      return deferred.get().rootSpanId();
    }
    return ids != null ? ids.traceId() : rootSpanId;
  }

  /** The parent span ids, empty for a root span. */
  public List<String> spanParents() {
    if (deferred != null) {
      return deferred.get().spanParents();
    }
    return ids != null ? ids.parents() : spanParents;
  }

  /** {@code span_attributes.name}. */
  public @Nullable String spanName() {
    if (deferred != null) {
      return deferred.get().spanName();
    }
    return spanName;
  }

  /** {@code span_attributes.type}. */
  public @Nullable String spanType() {
    if (deferred != null) {
      return deferred.get().spanType();
    }
    return spanType;
  }

  /** ISO-8601 creation time. */
  public @Nullable String created() {
    if (deferred != null) {
      return deferred.get().created();
    }
    // Formatting an Instant costs more than the rest of a span; it happens here, off the caller.
    return created != null
        ? created
        : createdAt != null
            ? dev.braintrust.reactive.core.internal.IsoTime.format(createdAt)
            : null;
  }

  @Override
  public String toString() {
    return "BraintrustEvent{" + destination + ", id=" + id() + (merge ? ", merge" : "") + "}";
  }
}

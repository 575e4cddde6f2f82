package dev.braintrust.reactive.core;

import dev.braintrust.reactive.core.internal.Validation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Builds a {@link BraintrustEvent}; from {@link BraintrustEvent#builder}. Not thread-safe. */
public final class BraintrustEventBuilder {
  final Destination destination;
  final String id;
  boolean merge;
  @Nullable Object input;
  @Nullable Object output;
  @Nullable Object expected;
  @Nullable Object error;
  boolean hasInput;
  boolean hasOutput;
  boolean hasExpected;
  boolean hasError;
  @Nullable Map<String, @Nullable Double> scores;
  @Nullable Map<String, @Nullable Object> metadata;
  @Nullable Map<String, Number> metrics;
  @Nullable Map<String, @Nullable Object> context;
  @Nullable String instrumentation;
  List<String> tags = List.of();
  @Nullable String spanId;
  @Nullable String rootSpanId;
  List<String> spanParents = List.of();
  @Nullable String spanName;
  @Nullable String spanType;
  @Nullable String created;
  java.time.@Nullable Instant createdAt;
  double start = Double.NaN;
  double end = Double.NaN;

  BraintrustEventBuilder(Destination destination, String id) {
    this.destination = Objects.requireNonNull(destination, "destination");
    this.id = Validation.id(id);
  }

  /** Marks the row as a merge into an existing row. */
  public BraintrustEventBuilder merge(boolean merge) {
    this.merge = merge;
    return this;
  }

  /** The input. */
  public BraintrustEventBuilder input(@Nullable Object v) {
    input = v;
    hasInput = true;
    return this;
  }

  /** The output. */
  public BraintrustEventBuilder output(@Nullable Object v) {
    output = v;
    hasOutput = true;
    return this;
  }

  /** The expected value. */
  public BraintrustEventBuilder expected(@Nullable Object v) {
    expected = v;
    hasExpected = true;
    return this;
  }

  /** The error. */
  public BraintrustEventBuilder error(@Nullable Object v) {
    error = v;
    hasError = true;
    return this;
  }

  /** A score, checked to be null or finite in [0, 1]. */
  public BraintrustEventBuilder score(String name, @Nullable Number value) {
    if (scores == null) {
      scores = new LinkedHashMap<>();
    }
    scores.put(name, Validation.score(name, value));
    return this;
  }

  /** A metadata entry. */
  public BraintrustEventBuilder metadata(String key, @Nullable Object value) {
    if (metadata == null) {
      metadata = new LinkedHashMap<>();
    }
    metadata.put(Validation.key("metadata", key), value);
    return this;
  }

  /** A metric, checked to be finite. */
  public BraintrustEventBuilder metric(String name, Number value) {
    Number v = Validation.metric(name, value);
    if (name.equals("start")) {
      start = v.doubleValue();
    } else if (name.equals("end")) {
      end = v.doubleValue();
    } else {
      if (metrics == null) {
        metrics = new LinkedHashMap<>();
      }
      metrics.put(name, v);
    }
    return this;
  }

  /** A {@code context} entry; {@code span_origin} given here replaces the library's. */
  public BraintrustEventBuilder context(String key, @Nullable Object value) {
    if (context == null) {
      context = new LinkedHashMap<>();
    }
    context.put(Validation.key("context", key), value);
    return this;
  }

  /**
   * Marks the row as a span made by the module {@code name}: it is written with {@code
   * context.span_origin} (this library's name and version, this instrumentation name and the
   * environment). Null leaves the origin out.
   */
  public BraintrustEventBuilder instrumentation(@Nullable String name) {
    this.instrumentation = name;
    return this;
  }

  /** A tag. */
  public BraintrustEventBuilder tag(String tag) {
    if (tags.isEmpty()) {
      tags = new ArrayList<>();
    }
    tags.add(Validation.tag(tag));
    return this;
  }

  /** Span identity: its id, its trace's root span id and its parents (nearest first). */
  public BraintrustEventBuilder span(String spanId, String rootSpanId, List<String> parents) {
    this.spanId = Validation.id(spanId);
    this.rootSpanId = Validation.id(rootSpanId);
    this.spanParents = List.copyOf(parents);
    return this;
  }

  /** {@code span_attributes}: name and type. */
  public BraintrustEventBuilder spanAttributes(@Nullable String name, @Nullable String type) {
    this.spanName = name;
    this.spanType = type;
    return this;
  }

  /** ISO-8601 creation time. */
  public BraintrustEventBuilder created(@Nullable String created) {
    this.created = created;
    return this;
  }

  /**
   * Creation time as an instant, written as ISO-8601 with microseconds when the row is encoded, off
   * the caller's thread: formatting costs more than the rest of a small row.
   */
  public BraintrustEventBuilder created(java.time.Instant at) {
    this.createdAt = java.util.Objects.requireNonNull(at, "created");
    this.created = null;
    return this;
  }

  // Package-private bulk setters let a span hand over maps it owns without copying.
  BraintrustEventBuilder scoresMap(Map<String, @Nullable Double> m) {
    scores = m;
    return this;
  }

  BraintrustEventBuilder metadataMap(Map<String, @Nullable Object> m) {
    metadata = m;
    return this;
  }

  /** Metrics other than start and end, handed over without a copy. */
  BraintrustEventBuilder metricsMap(Map<String, Number> m) {
    metrics = m;
    return this;
  }

  BraintrustEventBuilder times(double start, double end) {
    this.start = start;
    this.end = end;
    return this;
  }

  BraintrustEventBuilder createdAt(java.time.Instant at) {
    this.createdAt = at;
    return this;
  }

  BraintrustEventBuilder tagsList(List<String> t) {
    tags = t;
    return this;
  }

  /** The immutable event. */
  public BraintrustEvent build() {
    return new BraintrustEvent(this);
  }
}

package dev.braintrust.reactive.core;

import dev.braintrust.reactive.core.internal.ArrayMap;
import dev.braintrust.reactive.core.internal.Validation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One call's worth of fields to log on a span: input, output, expected, error, scores, metadata,
 * metrics and tags. Logging several times merges: later values replace earlier ones field by field,
 * maps merge by key and tags accumulate.
 *
 * <p>Values are checked when the log is built: scores must be null or finite in [0, 1], metrics
 * finite. A bad value throws {@link IllegalArgumentException} with a message naming it.
 */
public final class Log {
  static final Object UNSET = new Object();

  final @Nullable Object input;
  final @Nullable Object output;
  final @Nullable Object expected;
  final @Nullable Object error;
  final Map<String, @Nullable Double> scores;
  final Map<String, @Nullable Object> metadata;
  final Map<String, Number> metrics;
  final Map<String, @Nullable Object> context;
  final List<String> tags;

  private Log(Builder b) {
    this.input = b.input;
    this.output = b.output;
    this.expected = b.expected;
    this.error = b.error;
    this.scores = b.scores == null ? Map.of() : b.scores.freeze();
    this.metadata = b.metadata == null ? Map.of() : b.metadata.freeze();
    this.metrics = b.metrics == null ? Map.of() : b.metrics.freeze();
    this.context = b.context == null ? Map.of() : b.context.freeze();
    this.tags = b.tags == null ? List.of() : Collections.unmodifiableList(b.tags);
  }

  /**
   * A new, empty builder.
   *
   * @return a new, empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Log}; not thread-safe, build once per call. */
  public static final class Builder {
    @Nullable Object input = UNSET;
    @Nullable Object output = UNSET;
    @Nullable Object expected = UNSET;
    @Nullable Object error = UNSET;
    // Created on first use: most logs set two or three fields, and this sits on the hot path.
    @Nullable ArrayMap<@Nullable Double> scores;
    @Nullable ArrayMap<@Nullable Object> metadata;
    @Nullable ArrayMap<Number> metrics;
    @Nullable ArrayMap<@Nullable Object> context;
    @Nullable List<String> tags;

    private Builder() {}

    /**
     * The span's input: any value Jackson can write; null clears it.
     *
     * @param input the span's input
     * @return this builder
     */
    public Builder input(@Nullable Object input) {
      this.input = input;
      return this;
    }

    /**
     * The span's output.
     *
     * @param output the span's output
     * @return this builder
     */
    public Builder output(@Nullable Object output) {
      this.output = output;
      return this;
    }

    /**
     * The expected (ground-truth) output.
     *
     * @param expected the expected output
     * @return this builder
     */
    public Builder expected(@Nullable Object expected) {
      this.expected = expected;
      return this;
    }

    /**
     * The error: a {@link Throwable} is written as its class, message and stack.
     *
     * @param error the error
     * @return this builder
     */
    public Builder error(@Nullable Object error) {
      this.error = error;
      return this;
    }

    /**
     * A score between 0 and 1, or null to record that it was not scored.
     *
     * @param name the score's name
     * @param value the score, or null
     * @return this builder
     */
    public Builder score(String name, @Nullable Number value) {
      Double v = Validation.score(name, value);
      if (scores == null) {
        scores = new ArrayMap<>(4);
      }
      scores.put(name, v);
      return this;
    }

    /**
     * Several scores; each is checked like {@link #score}.
     *
     * @param values several scores
     * @return this builder
     */
    public Builder scores(Map<String, ? extends @Nullable Number> values) {
      values.forEach(this::score);
      return this;
    }

    /**
     * A metadata entry.
     *
     * @param key the entry's key
     * @param value the entry's value
     * @return this builder
     */
    public Builder metadata(String key, @Nullable Object value) {
      String k = Validation.key("metadata", key);
      if (metadata == null) {
        metadata = new ArrayMap<>(4);
      }
      metadata.put(k, value);
      return this;
    }

    /**
     * Several metadata entries.
     *
     * @param values the entries
     * @return this builder
     */
    public Builder metadata(Map<String, ?> values) {
      values.forEach(this::metadata);
      return this;
    }

    /**
     * A numeric metric such as {@code prompt_tokens}; must be finite.
     *
     * @param name the metric's name
     * @param value the metric's value
     * @return this builder
     */
    public Builder metric(String name, Number value) {
      Number v = Validation.metric(name, value);
      if (metrics == null) {
        metrics = new ArrayMap<>(4);
      }
      metrics.put(name, v);
      return this;
    }

    /**
     * Several metrics.
     *
     * @param values several metrics
     * @return this builder
     */
    public Builder metrics(Map<String, ? extends Number> values) {
      values.forEach(this::metric);
      return this;
    }

    /**
     * A {@code context} entry, such as caller-location fields ({@code caller_functionname}, {@code
     * caller_filename}, {@code caller_lineno}). The library writes {@code context.span_origin}
     * itself; a {@code span_origin} entry given here replaces it.
     *
     * @param key the entry's key
     * @param value the entry's value
     * @return this builder
     */
    public Builder context(String key, @Nullable Object value) {
      String k = Validation.key("context", key);
      if (context == null) {
        context = new ArrayMap<>(2);
      }
      context.put(k, value);
      return this;
    }

    /**
     * A tag.
     *
     * @param tag a tag
     * @return this builder
     */
    public Builder tag(String tag) {
      String t = Validation.tag(tag);
      if (tags == null) {
        tags = new ArrayList<>(2);
      }
      tags.add(t);
      return this;
    }

    /**
     * Several tags.
     *
     * @param values several tags
     * @return this builder
     */
    public Builder tags(List<String> values) {
      values.forEach(this::tag);
      return this;
    }

    /**
     * The immutable log; the builder starts empty-handed again for its collections.
     *
     * @return the immutable log; the builder starts empty-handed again for its collections
     */
    public Log build() {
      Log log = new Log(this);
      // The log wraps these collections, so later builder calls must not reach them.
      scores = null;
      metadata = null;
      metrics = null;
      context = null;
      tags = null;
      return log;
    }
  }
}

package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.core.internal.Validation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Feedback on one logged row: scores, expected value, comment, metadata and source. Checked when
 * built: the id is required and scores must be null or in [0, 1].
 */
public final class Feedback {
  /** Who gave the feedback. */
  public enum Source {
    /** From the Braintrust app. */
    APP,
    /** From an API client; the default. */
    API,
    /** From an external system. */
    EXTERNAL
  }

  final String id;
  final Map<String, @Nullable Double> scores;
  final @Nullable Object expected;
  final boolean hasExpected;
  final @Nullable String comment;
  final Map<String, @Nullable Object> metadata;
  final Source source;

  private Feedback(Builder b) {
    this.id = Validation.id(b.id);
    this.scores = new LinkedHashMap<>(b.scores);
    this.expected = b.expected;
    this.hasExpected = b.hasExpected;
    this.comment = b.comment;
    this.metadata = new LinkedHashMap<>(b.metadata);
    this.source = b.source;
  }

  /**
   * Feedback for the row with this id.
   *
   * @param id the id
   * @return feedback for the row with this id
   */
  public static Builder forRow(String id) {
    return new Builder(id);
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    if (!scores.isEmpty()) {
      m.put("scores", scores);
    }
    if (hasExpected) {
      m.put("expected", expected);
    }
    if (comment != null) {
      m.put("comment", comment);
    }
    if (!metadata.isEmpty()) {
      m.put("metadata", metadata);
    }
    m.put("source", source.name().toLowerCase(java.util.Locale.ROOT));
    return m;
  }

  /** Builds {@link Feedback}. */
  public static final class Builder {
    private final String id;
    private final Map<String, @Nullable Double> scores = new LinkedHashMap<>();
    private @Nullable Object expected;
    private boolean hasExpected;
    private @Nullable String comment;
    private final Map<String, @Nullable Object> metadata = new LinkedHashMap<>();
    private Source source = Source.API;

    private Builder(String id) {
      this.id = id;
    }

    /**
     * A score between 0 and 1, or null.
     *
     * @param name the score's name
     * @param value the score, or null
     * @return this builder
     */
    public Builder score(String name, @Nullable Number value) {
      scores.put(name, Validation.score(name, value));
      return this;
    }

    /**
     * The expected value.
     *
     * @param expected the expected value
     * @return this builder
     */
    public Builder expected(@Nullable Object expected) {
      this.expected = expected;
      this.hasExpected = true;
      return this;
    }

    /**
     * A free-text comment.
     *
     * @param comment a free-text comment
     * @return this builder
     */
    public Builder comment(String comment) {
      this.comment = Objects.requireNonNull(comment, "comment");
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
      metadata.put(Validation.key("metadata", key), value);
      return this;
    }

    /**
     * The source (default {@link Source#API}).
     *
     * @param source the source
     * @return this builder
     */
    public Builder source(Source source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * The feedback.
     *
     * @return the feedback
     */
    public Feedback build() {
      return new Feedback(this);
    }
  }
}

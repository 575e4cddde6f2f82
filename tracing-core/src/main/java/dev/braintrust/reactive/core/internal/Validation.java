package dev.braintrust.reactive.core.internal;

import org.jspecify.annotations.Nullable;

/** Input rules shared by the span API, feedback and the OTel bridge, with their exact messages. */
public final class Validation {
  /** Longest id accepted; Braintrust ids are UUIDs, user ids are kept reasonable. */
  public static final int MAX_ID_LENGTH = 1024;

  private Validation() {}

  /** Checks a score: null, or a finite number in [0, 1]. Returns it as a Double. */
  public static @Nullable Double score(@Nullable String name, @Nullable Number value) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("score name must not be null or empty");
    }
    if (value == null) {
      return null;
    }
    double d = value.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException(
          "score '" + name + "' must be a finite number between 0 and 1, got " + d);
    }
    if (d < 0.0 || d > 1.0) {
      throw new IllegalArgumentException("score '" + name + "' must be between 0 and 1, got " + d);
    }
    return d;
  }

  /** Checks a metric: a finite number. */
  public static Number metric(@Nullable String name, @Nullable Number value) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("metric name must not be null or empty");
    }
    if (value == null) {
      throw new IllegalArgumentException("metric '" + name + "' must not be null");
    }
    double d = value.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("metric '" + name + "' must be a finite number, got " + d);
    }
    return value;
  }

  /** Checks a metadata key. */
  public static String key(@Nullable String what, @Nullable String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException(what + " key must not be null or empty");
    }
    return key;
  }

  /** Checks that a configured text is not null or blank, naming the option when it is. */
  public static String nonBlank(String option, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(option + " must not be null or blank");
    }
    return value;
  }

  /** Checks a tag. */
  public static String tag(@Nullable String tag) {
    if (tag == null || tag.isEmpty()) {
      throw new IllegalArgumentException("tag must not be null or empty");
    }
    return tag;
  }

  /** Checks that a configured duration is longer than zero, naming the option when it is not. */
  public static java.time.Duration positive(String option, java.time.@Nullable Duration d) {
    java.util.Objects.requireNonNull(d, option);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(option + " must be positive, got " + d);
    }
    return d;
  }

  /** Checks that a configured count or size is above zero, naming the option when it is not. */
  public static int positive(String option, int n) {
    if (n <= 0) {
      throw new IllegalArgumentException(option + " must be positive, got " + n);
    }
    return n;
  }

  /** Checks an event id: non-blank, at most {@link #MAX_ID_LENGTH} chars, no control chars. */
  public static String id(@Nullable String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("id must not be null or blank");
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          "id must be at most " + MAX_ID_LENGTH + " characters, got " + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        throw new IllegalArgumentException("id must not contain control characters");
      }
    }
    return id;
  }
}

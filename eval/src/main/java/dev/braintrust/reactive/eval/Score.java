package dev.braintrust.reactive.eval;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One named score in [0, 1], or null for "not applicable" (it is then left out of the average),
 * with optional metadata explaining it.
 */
public record Score(String name, @Nullable Double value, Map<String, Object> metadata) {

  /** Checks the name and range; copies the metadata. */
  public Score {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a score needs a name");
    }
    if (value != null && (value.isNaN() || value < 0 || value > 1)) {
      throw new IllegalArgumentException(
          "score '" + name + "' must be between 0 and 1, got " + value);
    }
    metadata = Map.copyOf(metadata);
  }

  /** A score without metadata. */
  public static Score of(String name, @Nullable Double value) {
    return new Score(name, value, Map.of());
  }
}

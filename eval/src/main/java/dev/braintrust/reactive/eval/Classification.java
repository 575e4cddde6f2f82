package dev.braintrust.reactive.eval;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One label a {@link Classifier} gives an output, as the spec's {@code classifiers.md} has it:
 * {@code id} is the stable value to filter and group by, {@code label} what the UI shows (it falls
 * back to the id), {@code name} the key the item is grouped under (null: the classifier's name).
 */
public record Classification(
    @Nullable String name, String id, @Nullable String label, Map<String, Object> metadata) {

  /** Checks the id; copies the metadata. */
  public Classification {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("a classification needs a non-blank id");
    }
    metadata = Map.copyOf(metadata);
  }

  /** A classification with an id only, grouped under the classifier's name. */
  public static Classification of(String id) {
    return new Classification(null, id, null, Map.of());
  }

  /** A classification with an id and a display label, grouped under the classifier's name. */
  public static Classification of(String id, String label) {
    return new Classification(null, id, label, Map.of());
  }

  /** This classification grouped under {@code name}. */
  public Classification named(String name) {
    return new Classification(Objects.requireNonNull(name, "name"), id, label, metadata);
  }

  /** This classification with metadata. */
  public Classification withMetadata(Map<String, Object> metadata) {
    return new Classification(name, id, label, metadata);
  }
}

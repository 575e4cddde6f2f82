package dev.braintrust.reactive.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The canonical input and output of an embeddings span, shared by every wrapper so the shape is
 * written once: input {@code {inputs: [{index, content}], output_dimensions?}} with one entry per
 * independently returned embedding, output {@code {count, embeddings: [{index}]}}, never the
 * vectors (braintrust-spec {@code features/embeddings.md}).
 */
public final class EmbeddingRows {
  private EmbeddingRows() {}

  /**
   * The canonical input of {@code contents}, in request order; {@code dimensions} is the vector
   * size the caller asked for, or null when it asked for none.
   */
  public static Map<String, Object> input(List<?> contents, @Nullable Number dimensions) {
    List<Map<String, Object>> inputs = new ArrayList<>(contents.size());
    for (int i = 0; i < contents.size(); i++) {
      Map<String, Object> entry = new LinkedHashMap<>(4);
      entry.put("index", i);
      entry.put("content", contents.get(i));
      inputs.add(entry);
    }
    Map<String, Object> canonical = new LinkedHashMap<>(4);
    canonical.put("inputs", inputs);
    if (dimensions != null) {
      canonical.put("output_dimensions", dimensions.longValue());
    }
    return canonical;
  }

  /** The canonical output for {@code count} returned embeddings, indexed in provider order. */
  public static Map<String, Object> output(int count) {
    List<Map<String, Object>> embeddings = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      embeddings.add(Map.of("index", i));
    }
    Map<String, Object> canonical = new LinkedHashMap<>(4);
    canonical.put("count", count);
    canonical.put("embeddings", embeddings);
    return canonical;
  }
}

package dev.braintrust.reactive.eval.internal;

import dev.braintrust.reactive.eval.Classification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A case's classifications as the spec's {@code classifiers.md} stores them: keyed by the item's
 * name (or the classifier's when it has none), items in the order returned, each {@code id} with
 * {@code label} and {@code metadata} only when present.
 */
final class Classifications {
  private final Map<String, List<Map<String, Object>>> byName = new LinkedHashMap<>();

  /** The items of one classifier, named {@code classifier}. */
  void add(String classifier, List<Classification> items) {
    group(classifier, items)
        .forEach((k, v) -> byName.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
  }

  boolean isEmpty() {
    return byName.isEmpty();
  }

  Map<String, List<Map<String, Object>>> toRow() {
    return byName;
  }

  /** The ids by key, for the run's tally. */
  Map<String, List<String>> ids() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    byName.forEach(
        (k, items) -> out.put(k, items.stream().map(i -> (String) i.get("id")).toList()));
    return out;
  }

  /** One classifier's items grouped by key. */
  static Map<String, List<Map<String, Object>>> group(
      String classifier, List<Classification> items) {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    for (Classification c : items) {
      String key = c.name() == null || c.name().isBlank() ? classifier : c.name();
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("id", c.id());
      if (c.label() != null) {
        item.put("label", c.label());
      }
      if (!c.metadata().isEmpty()) {
        item.put("metadata", c.metadata());
      }
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(item);
    }
    return out;
  }
}

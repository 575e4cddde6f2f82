package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Events collected for one destination, folding updates of the same id where safe. */
final class OpenBatch {
  final Destination destination;
  final List<BraintrustEvent> events = new ArrayList<>();
  int[] weights = new int[16];
  final Map<String, Integer> indexById = new HashMap<>();
  final long openedAt;

  OpenBatch(Destination destination, long openedAt) {
    this.destination = destination;
    this.openedAt = openedAt;
  }

  int count() {
    return events.size();
  }

  void append(BraintrustEvent event) {
    int i = events.size();
    if (i == weights.length) {
      weights = Arrays.copyOf(weights, i * 2);
    }
    indexById.put(event.id(), i);
    events.add(event);
    weights[i] = 1;
  }

  /**
   * Folds an update into an earlier row of the same id when the result is what the server would
   * store.
   */
  boolean foldInto(BraintrustEvent event) {
    Integer at = indexById.get(event.id());
    if (at == null) {
      return false;
    }
    BraintrustEvent folded = EventMerge.fold(events.get(at), event);
    if (folded == null) {
      return false;
    }
    events.set(at, folded);
    // The folded-away update is delivered with the row it joined, so it still counts.
    weights[at]++;
    return true;
  }
}

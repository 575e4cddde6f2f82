package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.internal.EventAccess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Rows collected for one destination, folding updates of the same id where safe. */
final class OpenBatch {
  final Destination destination;
  final List<QueueItem.Entry> entries = new ArrayList<>();
  int[] weights = new int[16];
  // Built when the first row that may share an id arrives: a span's own row has a fresh random id,
  // so a batch of only those (the usual case) never formats or hashes an id here.
  private @Nullable Map<String, Integer> indexById;
  final long openedAt;
  // What the entries hold against the byte budget (or their JSON size, for spooled rows).
  long bytes;

  OpenBatch(Destination destination, long openedAt) {
    this.destination = destination;
    this.openedAt = openedAt;
  }

  int count() {
    return entries.size();
  }

  /**
   * Adds the entry, folding an update into an earlier row of the same id when the result is what
   * the server would store; rows already written as JSON (from a spool) are never folded. At most
   * one hash lookup per event, none for a span's own row until a row that may share an id arrives:
   * this runs for every event the exporter takes.
   */
  void add(QueueItem.Entry entry) {
    int i = entries.size();
    if (entry instanceof QueueItem.Event e) {
      Map<String, Integer> indexById = this.indexById;
      if (indexById == null) {
        if (EventAccess.isSpanRow(e.event())) {
          append(entry, i);
          return;
        }
        indexById = index();
      }
      Integer earlier = indexById.putIfAbsent(e.event().id(), i);
      if (earlier != null) {
        if (foldInto(earlier, e)) {
          return;
        }
        // Later updates of this id fold into the newest row.
        indexById.put(e.event().id(), i);
      }
    }
    append(entry, i);
  }

  private void append(QueueItem.Entry entry, int i) {
    if (i == weights.length) {
      weights = Arrays.copyOf(weights, i * 2);
    }
    entries.add(entry);
    weights[i] = 1;
    bytes += entry.bytes();
  }

  /** Indexes the rows so far; each has a distinct id, none having been folded. */
  private Map<String, Integer> index() {
    Map<String, Integer> index = new HashMap<>();
    for (int j = 0; j < entries.size(); j++) {
      if (entries.get(j) instanceof QueueItem.Event e) {
        index.put(e.event().id(), j);
      }
    }
    indexById = index;
    return index;
  }

  private boolean foldInto(int at, QueueItem.Event update) {
    if (!(entries.get(at) instanceof QueueItem.Event earlier)) {
      return false;
    }
    BraintrustEvent folded = EventMerge.fold(earlier.event(), update.event());
    if (folded == null) {
      return false;
    }
    // The folded row keeps both reservations: they are released together when it settles.
    entries.set(at, new QueueItem.Event(folded, earlier.bytes() + update.bytes()));
    bytes += update.bytes();
    // The folded-away update is delivered with the row it joined, so it still counts.
    weights[at]++;
    return true;
  }
}

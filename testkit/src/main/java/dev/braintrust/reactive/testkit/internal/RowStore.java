package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Rows (events) of every object with Braintrust's upsert-by-id, {@code _is_merge}, {@code
 * _merge_paths} and {@code _object_delete} semantics, the feedback received, and the optional JSONL
 * persistence file. Every method holds the monitor: the store is a test fixture, and simple
 * correctness beats throughput. Without retained rows it keeps only row ids, so soak tests can send
 * millions of events.
 */
public final class RowStore {
  private final boolean retainRows;
  private final @Nullable BufferedWriter persist;
  private final Map<String, Map<String, ObjectNode>> rows = new LinkedHashMap<>();
  private final Map<String, Set<String>> idsOnly = new LinkedHashMap<>();
  private final Map<String, List<ObjectNode>> feedback = new LinkedHashMap<>();
  private long xact;

  /** A store appending every stored row to {@code persistTo} when given. */
  public RowStore(boolean retainRows, @Nullable Path persistTo) {
    this.retainRows = retainRows;
    if (persistTo == null) {
      this.persist = null;
    } else {
      try {
        this.persist =
            Files.newBufferedWriter(
                persistTo,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open " + persistTo + " for writing", e);
      }
    }
  }

  /** Key of an object's row table, e.g. {@code project_logs/ID}. */
  public static String key(String kind, String id) {
    return kind + "/" + id;
  }

  /**
   * Upserts validated events in order and returns their ids. An event with {@code _object_delete}
   * removes its row; a merge event's {@code _merge_paths} name the paths it replaces instead of
   * merging into.
   */
  public synchronized List<String> insert(String objectKey, List<ObjectNode> events) {
    List<String> ids = new ArrayList<>(events.size());
    if (!retainRows) {
      Set<String> live = idsOnly.computeIfAbsent(objectKey, k -> new HashSet<>());
      for (ObjectNode e : events) {
        String id = e.hasNonNull("id") ? e.get("id").asText() : UUID.randomUUID().toString();
        if (e.path("_object_delete").asBoolean(false)) {
          live.remove(id);
        } else {
          live.add(id);
        }
        ids.add(id);
      }
      return ids;
    }
    Map<String, ObjectNode> table = rows.computeIfAbsent(objectKey, k -> new LinkedHashMap<>());
    String txn = Long.toString(++xact);
    for (ObjectNode e : events) {
      ObjectNode event = e.deepCopy();
      String id = event.hasNonNull("id") ? event.get("id").asText() : UUID.randomUUID().toString();
      event.put("id", id);
      boolean merge = event.path("_is_merge").asBoolean(false);
      boolean delete = event.path("_object_delete").asBoolean(false);
      Set<List<String>> replaced = paths(event.get("_merge_paths"));
      event.remove(List.of("_is_merge", "_object_delete", "_merge_paths"));
      ids.add(id);
      if (delete) {
        table.remove(id);
        persist(
            objectKey,
            Json.object().put("id", id).put("_object_delete", true).put("_xact_id", txn));
        continue;
      }
      ObjectNode existing = table.get(id);
      ObjectNode stored;
      if (merge && existing != null) {
        stored = existing;
        merge(stored, event, replaced, List.of());
      } else {
        stored = event;
        if (!stored.has("created")) {
          stored.put("created", Instant.now().toString());
        }
      }
      stored.put("_xact_id", txn);
      // Re-insert so the row moves to the end: fetch order is by transaction.
      table.remove(id);
      table.put(id, stored);
      persist(objectKey, stored);
    }
    return ids;
  }

  /** Applies feedback items (already validated) to rows, keeping the items too. */
  public synchronized void feedback(String objectKey, List<ObjectNode> items) {
    Map<String, ObjectNode> table = rows.computeIfAbsent(objectKey, k -> new LinkedHashMap<>());
    List<ObjectNode> kept = feedback.computeIfAbsent(objectKey, k -> new ArrayList<>());
    for (ObjectNode item : items) {
      kept.add(item.deepCopy());
      ObjectNode row = table.get(item.get("id").asText());
      if (row == null) {
        continue;
      }
      ObjectNode patch = Json.object();
      for (String f : new String[] {"scores", "expected", "metadata", "tags"}) {
        if (item.has(f)) {
          patch.set(f, item.get(f));
        }
      }
      deepMerge(row, patch);
      if (item.hasNonNull("comment")) {
        ArrayNode comments =
            row.has("comments") && row.get("comments").isArray()
                ? (ArrayNode) row.get("comments")
                : row.putArray("comments");
        comments.add(item.get("comment"));
      }
      row.put("_xact_id", Long.toString(++xact));
      persist(objectKey, row);
    }
  }

  /** Copies of every row of an object in transaction order. */
  public synchronized List<ObjectNode> rows(String objectKey) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode r : rows.getOrDefault(objectKey, Map.of()).values()) {
      out.add(r.deepCopy());
    }
    return out;
  }

  /** Distinct ids of an object's rows, whether or not rows are retained. */
  public synchronized Set<String> ids(String objectKey) {
    if (!retainRows) {
      return Set.copyOf(idsOnly.getOrDefault(objectKey, Set.of()));
    }
    return Set.copyOf(rows.getOrDefault(objectKey, Map.of()).keySet());
  }

  /** Every row table's key. */
  public synchronized List<String> objectKeys() {
    return new ArrayList<>(rows.keySet());
  }

  /** Feedback items received for an object. */
  public synchronized List<ObjectNode> feedbackItems(String objectKey) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode n : feedback.getOrDefault(objectKey, List.of())) {
      out.add(n.deepCopy());
    }
    return out;
  }

  /** Forgets rows, ids and feedback. */
  public synchronized void clear() {
    rows.clear();
    idsOnly.clear();
    feedback.clear();
  }

  /** Closes the persistence file. */
  public synchronized void close() {
    if (persist != null) {
      try {
        persist.close();
      } catch (IOException ignored) {
        // Nothing more to save.
      }
    }
  }

  /** Merges {@code patch} into {@code target}: objects recursively, anything else replaced. */
  private static void deepMerge(ObjectNode target, JsonNode patch) {
    merge(target, patch, Set.of(), List.of());
  }

  /**
   * Merges {@code patch}, found at path {@code at}, into {@code target}: objects recursively,
   * except at the {@code replaced} paths, where the patch's value replaces the old one whole.
   */
  private static void merge(
      ObjectNode target, JsonNode patch, Set<List<String>> replaced, List<String> at) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      List<String> here = new ArrayList<>(at);
      here.add(f.getKey());
      JsonNode old = target.get(f.getKey());
      if (old != null && old.isObject() && f.getValue().isObject() && !replaced.contains(here)) {
        merge((ObjectNode) old, f.getValue(), replaced, here);
      } else {
        target.set(f.getKey(), f.getValue().deepCopy());
      }
    }
  }

  /** {@code _merge_paths} (already validated) as a set of key paths. */
  private static Set<List<String>> paths(@Nullable JsonNode mergePaths) {
    if (mergePaths == null || !mergePaths.isArray()) {
      return Set.of();
    }
    Set<List<String>> out = new HashSet<>();
    for (JsonNode path : mergePaths) {
      List<String> keys = new ArrayList<>();
      path.forEach(k -> keys.add(k.asText()));
      out.add(keys);
    }
    return out;
  }

  private void persist(String objectKey, ObjectNode row) {
    if (persist == null) {
      return;
    }
    try {
      ObjectNode line = Json.object();
      line.put("object", objectKey);
      line.set("row", row);
      persist.write(Json.MAPPER.writeValueAsString(line));
      persist.newLine();
      persist.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

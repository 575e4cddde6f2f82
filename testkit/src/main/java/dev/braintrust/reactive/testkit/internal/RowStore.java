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
 * _merge_paths}, {@code _object_delete} and {@code _parent_id} semantics, every version of every
 * row (so a fetch can read the rows as of a past transaction), the feedback received, and the
 * optional JSONL persistence file. Each insert or feedback request is one transaction: its rows
 * share an {@code _xact_id}, a 19-digit decimal string that grows with every transaction. Every
 * method holds the monitor: the store is a test fixture, and simple correctness beats throughput.
 * Without retained rows it keeps only row ids, so soak tests can send millions of events.
 */
public final class RowStore {
  /** The first transaction id; fixed width, so ids order the same as text and as numbers. */
  private static final long FIRST_XACT = 1_000_000_000_000_000_000L;

  /** One version of a row: written by transaction {@code xact}; null {@code row} for a delete. */
  private record Version(long xact, long seq, @Nullable ObjectNode row) {}

  /** A row of a snapshot with the write order it sorts by. */
  private record Versioned(long seq, ObjectNode row) {}

  private final boolean retainRows;
  private final @Nullable BufferedWriter persist;
  // Per object: current rows in write order, and every version of every row.
  private final Map<String, Map<String, ObjectNode>> rows = new LinkedHashMap<>();
  private final Map<String, Map<String, List<Version>>> history = new LinkedHashMap<>();
  private final Map<String, Set<String>> idsOnly = new LinkedHashMap<>();
  private final Map<String, List<ObjectNode>> feedback = new LinkedHashMap<>();
  private long xact = FIRST_XACT - 1;
  private long seq;

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
   * Upserts validated events in order as one transaction and returns their ids. An event with
   * {@code _object_delete} removes its row; a merge event's {@code _merge_paths} name the paths it
   * replaces instead of merging into. An event with {@code _parent_id} that is not merged into an
   * existing row becomes a child span of that row (an earlier event of the same request counts): it
   * gets the parent's {@code root_span_id} (else its id) and the parent's {@code span_id} (else its
   * id) as {@code span_parents}. A {@code _parent_id} naming no row fails the whole request with
   * 400.
   */
  public synchronized List<String> insert(String objectKey, List<ObjectNode> events) {
    List<String> ids = assignIds(events);
    checkParents(objectKey, events, ids);
    if (!retainRows) {
      Set<String> live = idsOnly.computeIfAbsent(objectKey, k -> new HashSet<>());
      for (int i = 0; i < events.size(); i++) {
        if (events.get(i).path("_object_delete").asBoolean(false)) {
          live.remove(ids.get(i));
        } else {
          live.add(ids.get(i));
        }
      }
      return ids;
    }
    Map<String, ObjectNode> table = rows.computeIfAbsent(objectKey, k -> new LinkedHashMap<>());
    long txn = ++xact;
    for (int i = 0; i < events.size(); i++) {
      ObjectNode event = events.get(i).deepCopy();
      String id = ids.get(i);
      event.put("id", id);
      boolean merge = event.path("_is_merge").asBoolean(false);
      boolean delete = event.path("_object_delete").asBoolean(false);
      Set<List<String>> replaced = paths(event.get("_merge_paths"));
      String parentId = event.path("_parent_id").textValue();
      event.remove(List.of("_is_merge", "_object_delete", "_merge_paths", "_parent_id"));
      if (delete) {
        table.remove(id);
        record(objectKey, id, txn, null);
        persist(
            objectKey,
            Json.object().put("id", id).put("_object_delete", true).put("_xact_id", xid(txn)));
        continue;
      }
      ObjectNode existing = table.get(id);
      ObjectNode stored;
      if (merge && existing != null) {
        stored = existing.deepCopy();
        merge(stored, event, replaced, List.of());
      } else {
        stored = event;
        if (parentId != null) {
          ObjectNode parent = table.get(parentId);
          String parentSpan = parent.path("span_id").asText(parentId);
          stored.put("root_span_id", parent.path("root_span_id").asText(parentSpan));
          stored.putArray("span_parents").add(parentSpan);
        }
        if (!stored.has("created")) {
          stored.put("created", Instant.now().toString());
        }
      }
      stored.put("_xact_id", xid(txn));
      // Re-insert so the row moves to the end: current rows are in transaction order.
      table.remove(id);
      table.put(id, stored);
      record(objectKey, id, txn, stored);
      persist(objectKey, stored);
    }
    return ids;
  }

  private static List<String> assignIds(List<ObjectNode> events) {
    List<String> ids = new ArrayList<>(events.size());
    for (ObjectNode e : events) {
      ids.add(e.hasNonNull("id") ? e.get("id").asText() : UUID.randomUUID().toString());
    }
    return ids;
  }

  /** Fails with 400 if an event's {@code _parent_id} names no row when the event is applied. */
  private void checkParents(String objectKey, List<ObjectNode> events, List<String> ids) {
    Set<String> known =
        new HashSet<>(
            retainRows
                ? rows.getOrDefault(objectKey, Map.of()).keySet()
                : idsOnly.getOrDefault(objectKey, Set.of()));
    for (int i = 0; i < events.size(); i++) {
      ObjectNode e = events.get(i);
      String id = ids.get(i);
      String parent = e.path("_parent_id").textValue();
      boolean mergesExisting = e.path("_is_merge").asBoolean(false) && known.contains(id);
      if (parent != null && !mergesExisting && !known.contains(parent)) {
        throw HttpError.badRequest(
            "events[" + i + "]._parent_id '" + parent + "' is not a row of this object");
      }
      if (e.path("_object_delete").asBoolean(false)) {
        known.remove(id);
      } else {
        known.add(id);
      }
    }
  }

  private void record(String objectKey, String id, long txn, @Nullable ObjectNode row) {
    history
        .computeIfAbsent(objectKey, k -> new LinkedHashMap<>())
        .computeIfAbsent(id, k -> new ArrayList<>())
        .add(new Version(txn, ++seq, row));
  }

  private static String xid(long txn) {
    return Long.toString(txn);
  }

  /** The id of the latest transaction, the version a fetch reads by default. */
  public synchronized long currentXact() {
    return xact;
  }

  /**
   * Copies of an object's rows as they were after transaction {@code version}, in the order they
   * were last written; rows deleted by then are gone.
   */
  public synchronized List<ObjectNode> snapshot(String objectKey, long version) {
    List<Versioned> found = new ArrayList<>();
    for (List<Version> versions : history.getOrDefault(objectKey, Map.of()).values()) {
      for (int i = versions.size() - 1; i >= 0; i--) {
        Version v = versions.get(i);
        if (v.xact() <= version) {
          if (v.row() != null) {
            found.add(new Versioned(v.seq(), v.row()));
          }
          break;
        }
      }
    }
    found.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    List<ObjectNode> out = new ArrayList<>(found.size());
    for (Versioned v : found) {
      out.add(v.row().deepCopy());
    }
    return out;
  }

  /** Applies feedback items (already validated) to rows as one transaction, keeping the items. */
  public synchronized void feedback(String objectKey, List<ObjectNode> items) {
    Map<String, ObjectNode> table = rows.computeIfAbsent(objectKey, k -> new LinkedHashMap<>());
    List<ObjectNode> kept = feedback.computeIfAbsent(objectKey, k -> new ArrayList<>());
    long txn = ++xact;
    for (ObjectNode item : items) {
      kept.add(item.deepCopy());
      String id = item.get("id").asText();
      ObjectNode current = table.get(id);
      if (current == null) {
        continue;
      }
      ObjectNode row = current.deepCopy();
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
      row.put("_xact_id", xid(txn));
      table.remove(id);
      table.put(id, row);
      record(objectKey, id, txn, row);
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

  /** Forgets rows, their history, ids and feedback. */
  public synchronized void clear() {
    rows.clear();
    history.clear();
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

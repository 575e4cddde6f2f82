package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The test server's data: projects, experiments, datasets and their rows, with Braintrust's
 * upsert-by-id and {@code _is_merge} semantics. All methods are synchronized: the server is a
 * test fixture, and simple correctness beats throughput here.
 */
public final class Store {
  private final ObjectMapper mapper;
  private final @Nullable BufferedWriter persist;
  private final Map<String, ObjectNode> objects = new LinkedHashMap<>();
  private final Map<String, Map<String, ObjectNode>> rows = new LinkedHashMap<>();
  private final Map<String, List<ObjectNode>> feedback = new LinkedHashMap<>();
  private long xact;

  public Store(ObjectMapper mapper, @Nullable Path persistTo) {
    this.mapper = mapper;
    if (persistTo == null) {
      this.persist = null;
    } else {
      try {
        this.persist = Files.newBufferedWriter(persistTo, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open " + persistTo + " for writing", e);
      }
    }
  }

  /** Key of an object's row table, e.g. {@code project_logs/ID}. */
  public static String key(String kind, String id) {
    return kind + "/" + id;
  }

  // ------------------------------------------------------------------ objects

  /** Returns the object of this kind with this name (and parent), creating it if missing. */
  public synchronized ObjectNode getOrCreate(String kind, String name, @Nullable String projectId,
      @Nullable JsonNode extra) {
    for (ObjectNode o : objects.values()) {
      if (o.path("_kind").asText().equals(kind) && o.path("name").asText().equals(name)
          && (projectId == null || projectId.equals(o.path("project_id").asText(null)))
          && !o.has("deleted_at")) {
        return publicView(o);
      }
    }
    ObjectNode o = mapper.createObjectNode();
    String id = UUID.randomUUID().toString();
    o.put("_kind", kind);
    o.put("id", id);
    o.put("name", name);
    if (projectId != null) {
      o.put("project_id", projectId);
    }
    if (kind.equals("project")) {
      o.put("org_id", "00000000-0000-4000-8000-000000000001");
    }
    o.put("created", Instant.now().toString());
    if (extra != null && extra.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!o.has(f.getKey())) {
          o.set(f.getKey(), f.getValue());
        }
      }
    }
    objects.put(id, o);
    return publicView(o);
  }

  /** The object with this id and kind, or null. */
  public synchronized @Nullable ObjectNode get(String kind, String id) {
    ObjectNode o = objects.get(id);
    if (o == null || !o.path("_kind").asText().equals(kind) || o.has("deleted_at")) {
      return null;
    }
    return publicView(o);
  }

  /** Objects of a kind, optionally filtered by name and project. */
  public synchronized List<ObjectNode> list(String kind, @Nullable String name,
      @Nullable String projectId) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode o : objects.values()) {
      if (o.path("_kind").asText().equals(kind) && !o.has("deleted_at")
          && (name == null || name.equals(o.path("name").asText()))
          && (projectId == null || projectId.equals(o.path("project_id").asText(null)))) {
        out.add(publicView(o));
      }
    }
    return out;
  }

  /** Applies a patch to an object; null when missing. */
  public synchronized @Nullable ObjectNode patch(String kind, String id, JsonNode patch) {
    ObjectNode o = objects.get(id);
    if (o == null || !o.path("_kind").asText().equals(kind) || o.has("deleted_at")) {
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getKey().equals("id") && !f.getKey().startsWith("_")) {
        o.set(f.getKey(), f.getValue());
      }
    }
    return publicView(o);
  }

  /** Marks an object deleted; null when missing. */
  public synchronized @Nullable ObjectNode delete(String kind, String id) {
    ObjectNode o = objects.get(id);
    if (o == null || !o.path("_kind").asText().equals(kind) || o.has("deleted_at")) {
      return null;
    }
    o.put("deleted_at", Instant.now().toString());
    return publicView(o);
  }

  private static ObjectNode publicView(ObjectNode o) {
    ObjectNode copy = o.deepCopy();
    copy.remove("_kind");
    return copy;
  }

  // ------------------------------------------------------------------ rows

  /** Upserts validated events; returns their ids in order. */
  public synchronized List<String> insert(String objectKey, List<ObjectNode> events) {
    Map<String, ObjectNode> table = rows.computeIfAbsent(objectKey, k -> new LinkedHashMap<>());
    List<String> ids = new ArrayList<>(events.size());
    String txn = Long.toString(++xact);
    for (ObjectNode e : events) {
      ObjectNode event = e.deepCopy();
      String id = event.hasNonNull("id") ? event.get("id").asText() : UUID.randomUUID().toString();
      event.put("id", id);
      boolean merge = event.path("_is_merge").asBoolean(false);
      event.remove("_is_merge");
      ObjectNode existing = table.get(id);
      ObjectNode stored;
      if (merge && existing != null) {
        stored = existing;
        deepMerge(stored, event);
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
      ids.add(id);
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
      ObjectNode patch = mapper.createObjectNode();
      for (String f : new String[] {"scores", "expected", "metadata", "tags"}) {
        if (item.has(f)) {
          patch.set(f, item.get(f));
        }
      }
      deepMerge(row, patch);
      if (item.hasNonNull("comment")) {
        ArrayNode comments = row.has("comments") && row.get("comments").isArray()
            ? (ArrayNode) row.get("comments") : row.putArray("comments");
        comments.add(item.get("comment"));
      }
      row.put("_xact_id", Long.toString(++xact));
      persist(objectKey, row);
    }
  }

  /** A page of rows in transaction order starting at {@code offset}. */
  public synchronized List<ObjectNode> page(String objectKey, int offset, int limit) {
    Map<String, ObjectNode> table = rows.getOrDefault(objectKey, Map.of());
    List<ObjectNode> all = new ArrayList<>(table.values());
    List<ObjectNode> out = new ArrayList<>();
    for (int i = offset; i < all.size() && out.size() < limit; i++) {
      out.add(all.get(i).deepCopy());
    }
    return out;
  }

  /** Number of rows in an object. */
  public synchronized int count(String objectKey) {
    return rows.getOrDefault(objectKey, Map.of()).size();
  }

  /** Copies of every row of an object in transaction order. */
  public synchronized List<ObjectNode> rows(String objectKey) {
    return page(objectKey, 0, Integer.MAX_VALUE);
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

  /** Forgets rows and feedback; objects (projects etc.) are kept. */
  public synchronized void clearRows() {
    rows.clear();
    feedback.clear();
  }

  /** Forgets everything. */
  public synchronized void clearAll() {
    clearRows();
    objects.clear();
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
  public static void deepMerge(ObjectNode target, JsonNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode old = target.get(f.getKey());
      if (old != null && old.isObject() && f.getValue().isObject()) {
        deepMerge((ObjectNode) old, f.getValue());
      } else {
        target.set(f.getKey(), f.getValue().deepCopy());
      }
    }
  }

  private void persist(String objectKey, ObjectNode row) {
    if (persist == null) {
      return;
    }
    try {
      ObjectNode line = mapper.createObjectNode();
      line.put("object", objectKey);
      line.set("row", row);
      persist.write(mapper.writeValueAsString(line));
      persist.newLine();
      persist.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

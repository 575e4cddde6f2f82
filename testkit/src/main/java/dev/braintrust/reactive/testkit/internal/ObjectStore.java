package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The API's objects (projects, experiments, datasets, prompts, functions, ACLs, ...), in creation
 * order, with soft delete. Every method holds the monitor: the store is a test fixture, and simple
 * correctness beats throughput. Callers get copies in the schema's shape ({@link Shapes}), never
 * the stored nodes; fields starting with {@code _} are the store's own and never shown.
 */
public final class ObjectStore {
  private final Map<String, ObjectNode> objects = new LinkedHashMap<>();

  /** Stores an object with a fixed id (replacing any with that id), e.g. the seeded user. */
  public synchronized void seed(String kind, String id, ObjectNode fields) {
    ObjectNode o = Json.object();
    o.put("_kind", kind);
    o.put("id", id);
    o.put("created", Instant.now().toString());
    copyFields(o, fields);
    objects.put(id, o);
  }

  /**
   * Creates an object of this kind in this project named {@code name}, or if that name is taken
   * {@code name-2}, {@code name-3}, ...: for objects that are always new, like an eval's
   * experiment.
   */
  public synchronized ObjectNode createFresh(
      String kind, String name, @Nullable String projectId, JsonNode fields) {
    String fresh = name;
    for (int n = 2; find(kind, "name", fresh, projectId) != null; n++) {
      fresh = name + "-" + n;
    }
    return getOrCreate(kind, "name", fresh, projectId, fields);
  }

  /**
   * Returns the live object of this kind in this project (none for {@code projectId} null) whose
   * {@code keyField} equals {@code key}, creating it from {@code fields} if missing. A null key
   * creates an object with a fresh generated name, as the API does for unnamed experiments.
   */
  public synchronized ObjectNode getOrCreate(
      String kind,
      String keyField,
      @Nullable String key,
      @Nullable String projectId,
      JsonNode fields) {
    if (key != null) {
      ObjectNode found = find(kind, keyField, key, projectId);
      if (found != null) {
        return publicView(found);
      }
    }
    ObjectNode o = Json.object();
    String id = UUID.randomUUID().toString();
    o.put("_kind", kind);
    o.put("id", id);
    if (key == null) {
      o.put("name", freshName(kind, projectId));
    } else {
      o.put(keyField, key);
    }
    if (projectId != null) {
      o.put("project_id", projectId);
    }
    o.put("created", Instant.now().toString());
    copyFields(o, fields);
    objects.put(id, o);
    return publicView(o);
  }

  /**
   * Replaces the live object of this kind in this project whose {@code keyField} equals {@code key}
   * with {@code fields}, keeping its id and creation time, or creates it.
   */
  public synchronized ObjectNode replace(
      String kind, String keyField, String key, @Nullable String projectId, JsonNode fields) {
    ObjectNode found = find(kind, keyField, key, projectId);
    if (found == null) {
      return getOrCreate(kind, keyField, key, projectId, fields);
    }
    found.retain("_kind", "id", "created", keyField, "project_id");
    copyFields(found, fields);
    return publicView(found);
  }

  private @Nullable ObjectNode find(
      String kind, String keyField, String key, @Nullable String projectId) {
    for (ObjectNode o : objects.values()) {
      if (live(o, kind)
          && key.equals(o.path(keyField).asText(null))
          && Objects.equals(projectId, o.path("project_id").asText(null))) {
        return o;
      }
    }
    return null;
  }

  /** {@code kind-N}, the first N not naming a live object of this kind in the project. */
  private String freshName(String kind, @Nullable String projectId) {
    for (int n = 1; ; n++) {
      String name = kind + "-" + n;
      if (find(kind, "name", name, projectId) == null) {
        return name;
      }
    }
  }

  /** Copies the fields {@code o} does not set itself; the server's own fields win. */
  private static void copyFields(ObjectNode o, JsonNode fields) {
    for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!o.has(f.getKey()) && settable(f.getKey())) {
        o.set(f.getKey(), f.getValue());
      }
    }
  }

  /** The live object with this id and kind, or null. */
  public synchronized @Nullable ObjectNode get(String kind, String id) {
    ObjectNode o = objects.get(id);
    return o == null || !live(o, kind) ? null : publicView(o);
  }

  /** Live objects of a kind whose fields equal the non-null values of {@code where}. */
  public synchronized List<ObjectNode> list(String kind, Map<String, @Nullable String> where) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode o : objects.values()) {
      if (live(o, kind) && matches(o, where)) {
        out.add(publicView(o));
      }
    }
    return out;
  }

  /** Applies a patch to an object; null when missing. */
  public synchronized @Nullable ObjectNode patch(String kind, String id, JsonNode patch) {
    ObjectNode o = objects.get(id);
    if (o == null || !live(o, kind)) {
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (settable(f.getKey())) {
        o.set(f.getKey(), f.getValue());
      }
    }
    return publicView(o);
  }

  /** Marks an object deleted; null when missing. */
  public synchronized @Nullable ObjectNode delete(String kind, String id) {
    ObjectNode o = objects.get(id);
    if (o == null || !live(o, kind)) {
      return null;
    }
    o.put("deleted_at", Instant.now().toString());
    return publicView(o);
  }

  /**
   * Whether a caller's fields may set this field; the store alone decides ids, kinds and deletion.
   * Handlers pass only the schema's fields of a body, plus hidden {@code _} fields of their own,
   * which the store keeps but never shows.
   */
  private static boolean settable(String field) {
    return !field.equals("id") && !field.equals("deleted_at") && !field.equals("_kind");
  }

  private static boolean live(ObjectNode o, String kind) {
    return o.path("_kind").asText().equals(kind) && !o.has("deleted_at");
  }

  private static boolean matches(ObjectNode o, Map<String, @Nullable String> where) {
    for (Map.Entry<String, @Nullable String> w : where.entrySet()) {
      if (w.getValue() != null && !w.getValue().equals(o.path(w.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  private static ObjectNode publicView(ObjectNode o) {
    return Shapes.view(o.path("_kind").asText(), o);
  }
}

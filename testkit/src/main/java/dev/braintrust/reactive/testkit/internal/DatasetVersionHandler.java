package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Dataset versioning as {@code dataset-versions/contracts.md} of the spec describes it: snapshots
 * ({@code /api/dataset_snapshot/register} and {@code /get}), environments ({@code POST/GET
 * /environment}) and environment tags ({@code /environment-object/:type/:id[/:slug]}, GET, POST and
 * PUT). Versions are the row store's {@code _xact_id}s; like the real server, a tag's version is
 * checked for shape only.
 */
public final class DatasetVersionHandler {
  private static final Set<String> TAGGABLE = Set.of("dataset", "prompt");

  private final ObjectStore objects;

  /** A handler keeping snapshots, environments and tags in {@code objects}. */
  public DatasetVersionHandler(ObjectStore objects) {
    this.objects = objects;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on(
        "POST",
        "/api/dataset_snapshot/register",
        (ex, p) -> Reply.ok(registerSnapshot(Fields.of(ex.body()))));
    routes.on("GET", "/api/dataset_snapshot/get", (ex, p) -> Reply.ok(snapshots(query(ex))));
    routes.on("POST", "/api/dataset_snapshot/get", (ex, p) -> Reply.ok(snapshots(bodyFields(ex))));
    routes.on("POST", "/environment", (ex, p) -> Reply.ok(createEnvironment(Fields.of(ex.body()))));
    routes.on("GET", "/environment", (ex, p) -> Reply.ok(environments(ex.param("name"))));
    String object = "/environment-object/([^/]+)/([^/]+)";
    routes.on("GET", object, (ex, p) -> Reply.ok(tags(p.get(0), p.get(1))));
    routes.on(
        "POST", object, (ex, p) -> Reply.ok(tag(p.get(0), p.get(1), Fields.of(ex.body()), false)));
    routes.on("GET", object + "/([^/]+)", (ex, p) -> Reply.ok(tag(p.get(0), p.get(1), p.get(2))));
    routes.on(
        "PUT",
        object + "/([^/]+)",
        (ex, p) -> {
          ObjectNode body = Fields.of(ex.body()).node().deepCopy();
          body.put("environment_slug", p.get(2));
          return Reply.ok(tag(p.get(0), p.get(1), Fields.of(body), true));
        });
  }

  private static Map<String, @Nullable String> query(Exchange ex) {
    Map<String, @Nullable String> q = new LinkedHashMap<>();
    for (String k : List.of("id", "dataset_id", "name", "xact_id")) {
      q.put(k, ex.param(k));
    }
    return q;
  }

  private static Map<String, @Nullable String> bodyFields(Exchange ex) {
    Fields f = Fields.of(ex.body());
    Map<String, @Nullable String> q = new LinkedHashMap<>();
    for (String k : List.of("id", "dataset_id", "name", "xact_id")) {
      q.put(k, f.string(k));
    }
    return q;
  }

  private ObjectNode registerSnapshot(Fields body) {
    String datasetId = body.required("dataset_id");
    String name = body.required("dataset_snapshot_name");
    String xact = version(body.required("xact_id"), "xact_id");
    Boolean update = body.bool("update");
    Listing.existing(objects, "dataset", datasetId);
    String key = datasetId + "\n" + name;
    boolean found = !objects.list("dataset_snapshot", Map.of("_key", key)).isEmpty();
    ObjectNode fields =
        Json.object().put("_key", key).put("dataset_id", datasetId).put("xact_id", xact);
    String description = body.string("description");
    if (description == null) {
      fields.putNull("description");
    } else {
      fields.put("description", description);
    }
    ObjectNode snapshot =
        found && Boolean.TRUE.equals(update)
            ? objects.replace("dataset_snapshot", "name", name, null, fields)
            : objects.getOrCreate("dataset_snapshot", "_key", key, null, fields.put("name", name));
    ObjectNode reply = Json.object();
    reply.set("dataset_snapshot", snapshot);
    reply.put("found_existing", found);
    return reply;
  }

  private ArrayNode snapshots(Map<String, @Nullable String> where) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    objects.list("dataset_snapshot", where).forEach(out::add);
    return out;
  }

  private ObjectNode createEnvironment(Fields body) {
    String name = body.required("name");
    String slug = body.required("slug");
    body.string("description");
    Listing.checkOrg(body.string("org_name"));
    if (!objects.list("environment", Map.of("slug", slug)).isEmpty()) {
      throw HttpError.badRequest("an environment with slug '" + slug + "' already exists");
    }
    return objects.getOrCreate("environment", "slug", slug, null, Json.object().put("name", name));
  }

  private ObjectNode environments(@Nullable String name) {
    Map<String, @Nullable String> where = new LinkedHashMap<>();
    where.put("name", name);
    ArrayNode list = Json.MAPPER.createArrayNode();
    objects.list("environment", where).forEach(list::add);
    ObjectNode reply = Json.object();
    reply.set("objects", list);
    return reply;
  }

  private ObjectNode tags(String type, String id) {
    checkType(type);
    ArrayNode list = Json.MAPPER.createArrayNode();
    objects
        .list("environment_object", Map.of("object_type", type, "object_id", id))
        .forEach(list::add);
    ObjectNode reply = Json.object();
    reply.set("objects", list);
    return reply;
  }

  private ObjectNode tag(String type, String id, String slug) {
    checkType(type);
    List<ObjectNode> found =
        objects.list("environment_object", Map.of("_key", key(type, id, slug)));
    if (found.isEmpty()) {
      throw HttpError.badRequest(
          "no " + type + " " + id + " is tagged for environment '" + slug + "'");
    }
    return found.get(0);
  }

  private ObjectNode tag(String type, String id, Fields body, boolean overwrite) {
    checkType(type);
    String slug = body.required("environment_slug");
    String version = version(body.required("object_version"), "object_version");
    body.string("org_name");
    if (objects.list("environment", Map.of("slug", slug)).isEmpty()) {
      throw HttpError.badRequest("no environment with slug '" + slug + "'");
    }
    String key = key(type, id, slug);
    ObjectNode fields =
        Json.object()
            .put("object_type", type)
            .put("object_id", id)
            .put("object_version", version)
            .put("environment_slug", slug);
    if (overwrite) {
      return objects.replace("environment_object", "_key", key, null, fields);
    }
    if (!objects.list("environment_object", Map.of("_key", key)).isEmpty()) {
      throw HttpError.badRequest(type + " " + id + " already has a tag for '" + slug + "'");
    }
    return objects.getOrCreate("environment_object", "_key", key, null, fields);
  }

  private static String key(String type, String id, String slug) {
    return type + "\n" + id + "\n" + slug;
  }

  private static void checkType(String type) {
    if (!TAGGABLE.contains(type)) {
      throw HttpError.badRequest("object_type must be dataset or prompt, got '" + type + "'");
    }
  }

  private static String version(String v, String field) {
    if (!v.matches("\\d{1,19}")) {
      throw HttpError.badRequest("'" + field + "' must be a version (_xact_id), got '" + v + "'");
    }
    return v;
  }
}

package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * A project's configuration: {@code /v1/project_score} (create or get by project and name, list,
 * get, delete), {@code /v1/project_tag} (create or get by project and name, list) and {@code GET
 * /v1/view} (views are made with {@code BraintrustTestServer.createView}, the spec having no
 * create).
 */
public final class ProjectConfigHandler {
  private static final Set<String> SCORE_TYPES =
      Set.of("slider", "categorical", "weighted", "minimum", "maximum", "online");

  private final ObjectStore objects;

  /** A handler keeping scores, tags and views in {@code objects}. */
  public ProjectConfigHandler(ObjectStore objects) {
    this.objects = objects;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/v1/project_score", (ex, p) -> Reply.ok(createScore(Fields.of(ex.body()))));
    Listing.routes(
        routes, objects, "project_score", Map.of("project_score_name", "name"), true, true);
    routes.on("POST", "/v1/project_tag", (ex, p) -> Reply.ok(createTag(Fields.of(ex.body()))));
    Listing.listRoute(routes, objects, "project_tag", Map.of("project_tag_name", "name"), true);
    Listing.listRoute(
        routes,
        objects,
        "view",
        Map.of(
            "object_type", "object_type",
            "object_id", "object_id",
            "view_type", "view_type",
            "view_name", "name"),
        false);
  }

  private ObjectNode createScore(Fields body) {
    String projectId = body.required("project_id");
    String name = body.required("name");
    body.requiredOneOf("score_type", SCORE_TYPES);
    body.string("description");
    Listing.existing(objects, "project", projectId);
    return objects.getOrCreate(
        "project_score",
        "name",
        name,
        projectId,
        body.pick("description", "score_type", "categories"));
  }

  private ObjectNode createTag(Fields body) {
    String projectId = body.required("project_id");
    String name = body.required("name");
    body.string("description");
    body.string("color");
    Listing.existing(objects, "project", projectId);
    return objects.getOrCreate(
        "project_tag", "name", name, projectId, body.pick("description", "color"));
  }

  /**
   * Stores (or gets) the view named {@code name} of an object, for {@code GET /v1/view} to list.
   */
  public ObjectNode createView(String objectType, String objectId, String name) {
    ObjectNode fields =
        Json.object().put("object_type", objectType).put("object_id", objectId).put("name", name);
    String key = objectType + "\n" + objectId + "\n" + name;
    return objects.getOrCreate("view", "_key", key, null, fields);
  }
}

package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code /v1/project}, {@code /v1/experiment}, {@code /v1/dataset}: create (or get by name), list,
 * get, patch, delete. Creates require exactly the spec's required fields: a project its name, an
 * experiment its project (the name is generated when missing), a dataset its name.
 */
public final class ObjectHandler {
  private static final String KINDS = "(project|experiment|dataset)";

  private final ObjectStore objects;

  /** A handler over {@code objects}. */
  public ObjectHandler(ObjectStore objects) {
    this.objects = objects;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on(
        "POST", "/v1/" + KINDS, (ex, p) -> Reply.ok(create(p.get(0), Bodies.object(ex.body()))));
    routes.on("GET", "/v1/" + KINDS, (ex, p) -> list(p.get(0), ex));
    routes.on(
        "GET", "/v1/" + KINDS + "/([^/]+)", (ex, p) -> found(p, objects.get(p.get(0), p.get(1))));
    routes.on(
        "PATCH",
        "/v1/" + KINDS + "/([^/]+)",
        (ex, p) -> found(p, objects.patch(p.get(0), p.get(1), patch(Bodies.object(ex.body())))));
    routes.on(
        "DELETE",
        "/v1/" + KINDS + "/([^/]+)",
        (ex, p) -> found(p, objects.delete(p.get(0), p.get(1))));
  }

  private ObjectNode create(String kind, JsonNode body) {
    Bodies.optional(body, "description");
    Bodies.optionalObject(body, "metadata");
    switch (kind) {
      case "project":
        return objects.getOrCreate(kind, "name", Bodies.required(body, "name"), null, body);
      case "experiment":
        {
          String projectId = existingProject(Bodies.required(body, "project_id"));
          String name = Bodies.optional(body, "name");
          if (name != null && name.isBlank()) {
            throw HttpError.badRequest("'name' must not be blank");
          }
          return objects.getOrCreate(kind, "name", name, projectId, body);
        }
      default:
        {
          String name = Bodies.required(body, "name");
          String projectId = Bodies.optional(body, "project_id");
          return objects.getOrCreate(
              kind, "name", name, projectId == null ? null : existingProject(projectId), body);
        }
    }
  }

  private String existingProject(String projectId) {
    if (objects.get("project", projectId) == null) {
      throw HttpError.notFound("project '" + projectId + "' not found");
    }
    return projectId;
  }

  private static JsonNode patch(JsonNode body) {
    Bodies.optional(body, "name");
    Bodies.optional(body, "description");
    Bodies.optionalObject(body, "metadata");
    Bodies.optionalObject(body, "settings");
    return body;
  }

  private Reply list(String kind, Exchange ex) {
    Map<String, @Nullable String> where = new HashMap<>();
    where.put("name", ex.param(kind + "_name"));
    if (!kind.equals("project") && !projectFilter(objects, ex, where)) {
      return Reply.ok(Pages.page(List.of(), ex));
    }
    return Reply.ok(Pages.page(objects.list(kind, where), ex));
  }

  /**
   * Adds the {@code project_id} and {@code project_name} filters to {@code where}; false when the
   * named project does not exist, so nothing can match.
   */
  static boolean projectFilter(
      ObjectStore objects, Exchange ex, Map<String, @Nullable String> where) {
    String projectId = ex.param("project_id");
    String projectName = ex.param("project_name");
    if (projectName != null) {
      Map<String, @Nullable String> byName = new HashMap<>();
      byName.put("name", projectName);
      List<ObjectNode> named = objects.list("project", byName);
      if (named.isEmpty()) {
        return false;
      }
      String namedId = named.get(0).get("id").asText();
      if (projectId != null && !projectId.equals(namedId)) {
        return false;
      }
      projectId = namedId;
    }
    where.put("project_id", projectId);
    return true;
  }

  private static Reply found(List<String> params, @Nullable ObjectNode object) {
    if (object == null) {
      throw HttpError.notFound(params.get(0) + " '" + params.get(1) + "' not found");
    }
    return Reply.ok(object);
  }
}

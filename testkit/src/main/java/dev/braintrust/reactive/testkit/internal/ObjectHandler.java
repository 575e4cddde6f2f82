package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code /v1/project}, {@code /v1/experiment}, {@code /v1/dataset}: create, list, get, patch, delete. */
public final class ObjectHandler {
  private static final String KINDS = "(project|experiment|dataset)";

  private final ObjectStore objects;

  /** A handler over {@code objects}. */
  public ObjectHandler(ObjectStore objects) {
    this.objects = objects;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/v1/" + KINDS, (ex, p) -> create(p.get(0), ex.body()));
    routes.on("GET", "/v1/" + KINDS, (ex, p) -> list(p.get(0), ex));
    routes.on("GET", "/v1/" + KINDS + "/([^/]+)", (ex, p) -> found(p, objects.get(p.get(0), p.get(1))));
    routes.on("PATCH", "/v1/" + KINDS + "/([^/]+)",
        (ex, p) -> found(p, objects.patch(p.get(0), p.get(1), ex.body())));
    routes.on("DELETE", "/v1/" + KINDS + "/([^/]+)",
        (ex, p) -> found(p, objects.delete(p.get(0), p.get(1))));
  }

  private Reply create(String kind, JsonNode body) {
    if (!body.hasNonNull("name") || body.get("name").asText().isBlank()) {
      throw HttpError.badRequest("'name' is required");
    }
    String projectId = null;
    if (!kind.equals("project")) {
      if (!body.hasNonNull("project_id")) {
        throw HttpError.badRequest("'project_id' is required");
      }
      projectId = body.get("project_id").asText();
      if (objects.get("project", projectId) == null) {
        throw HttpError.notFound("project '" + projectId + "' not found");
      }
    }
    return Reply.ok(objects.getOrCreate(kind, body.get("name").asText(), projectId, body));
  }

  private Reply list(String kind, Exchange ex) {
    Map<String, @Nullable String> where = new HashMap<>();
    where.put("name", ex.param(kind + "_name"));
    where.put("project_id", ex.param("project_id"));
    return Reply.ok(Pages.page(objects.list(kind, where), ex));
  }

  private static Reply found(List<String> params, @Nullable ObjectNode object) {
    if (object == null) {
      throw HttpError.notFound(params.get(0) + " '" + params.get(1) + "' not found");
    }
    return Reply.ok(object);
  }
}

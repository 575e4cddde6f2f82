package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code /v1/function}: create (or get by project and slug), create-or-replace, list, get, patch,
 * delete, and {@code POST /v1/function/{id}/invoke}, answered by a fake that echoes its input so
 * tests can check what was sent.
 */
public final class FunctionHandler {
  private static final Set<String> TYPES = Set.of("llm", "scorer", "task", "tool");
  private static final Set<String> MODES = Set.of("auto", "parallel");

  private final ObjectStore objects;

  /** A handler keeping functions in {@code objects}. */
  public FunctionHandler(ObjectStore objects) {
    this.objects = objects;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/v1/function", (ex, p) -> Reply.ok(create(ex.body(), false)));
    routes.on("PUT", "/v1/function", (ex, p) -> Reply.ok(create(ex.body(), true)));
    routes.on("GET", "/v1/function", (ex, p) -> list(ex));
    routes.on("GET", "/v1/function/([^/]+)", (ex, p) -> Reply.ok(existing(p.get(0))));
    routes.on("PATCH", "/v1/function/([^/]+)", (ex, p) -> patch(p.get(0), ex.body()));
    routes.on(
        "DELETE",
        "/v1/function/([^/]+)",
        (ex, p) -> found(p.get(0), objects.delete("function", p.get(0))));
    routes.on(
        "POST", "/v1/function/([^/]+)/invoke", (ex, p) -> invoke(existing(p.get(0)), ex.body()));
  }

  /**
   * Creates (or gets, or with {@code replace} replaces) the function a CreateFunction body
   * describes.
   */
  public ObjectNode create(JsonNode body, boolean replace) {
    Bodies.object(body);
    String projectId = Bodies.required(body, "project_id");
    Bodies.required(body, "name");
    String slug = Bodies.required(body, "slug");
    Bodies.requiredObject(body, "function_data");
    Bodies.optional(body, "description");
    Bodies.optionalObject(body, "prompt_data");
    Bodies.optionalObject(body, "function_schema");
    String type = Bodies.optional(body, "function_type");
    if (type != null && !TYPES.contains(type)) {
      throw HttpError.badRequest("'function_type' must be one of llm, scorer, task, tool");
    }
    if (objects.get("project", projectId) == null) {
      throw HttpError.notFound("project '" + projectId + "' not found");
    }
    ObjectNode fields = body.deepCopy();
    fields.put("log_id", "p");
    return replace
        ? objects.replace("function", "slug", slug, projectId, fields)
        : objects.getOrCreate("function", "slug", slug, projectId, fields);
  }

  private Reply list(Exchange ex) {
    Map<String, @Nullable String> where = new HashMap<>();
    where.put("slug", ex.param("slug"));
    where.put("name", ex.param("function_name"));
    if (!ObjectHandler.projectFilter(objects, ex, where)) {
      return Reply.ok(Pages.page(List.of(), ex));
    }
    return Reply.ok(Pages.page(objects.list("function", where), ex));
  }

  private Reply patch(String id, JsonNode body) {
    Bodies.object(body);
    Bodies.optional(body, "name");
    Bodies.optional(body, "description");
    Bodies.optionalObject(body, "function_data");
    return found(id, objects.patch("function", id, body));
  }

  private ObjectNode existing(String id) {
    ObjectNode f = objects.get("function", id);
    if (f == null) {
      throw HttpError.notFound("function '" + id + "' not found");
    }
    return f;
  }

  private static Reply found(String id, @Nullable ObjectNode function) {
    if (function == null) {
      throw HttpError.notFound("function '" + id + "' not found");
    }
    return Reply.ok(function);
  }

  private static Reply invoke(ObjectNode function, JsonNode body) {
    Bodies.object(body);
    JsonNode stream = body.get("stream");
    if (stream != null && !stream.isNull() && !stream.isBoolean()) {
      throw HttpError.badRequest("'stream' must be a boolean");
    }
    JsonNode messages = body.get("messages");
    if (messages != null && !messages.isNull() && !messages.isArray()) {
      throw HttpError.badRequest("'messages' must be an array");
    }
    String mode = Bodies.optional(body, "mode");
    if (mode != null && !MODES.contains(mode)) {
      throw HttpError.badRequest("'mode' must be one of auto, parallel");
    }
    ObjectNode out = Json.object();
    out.put("function", function.path("slug").asText());
    out.put("function_id", function.path("id").asText());
    out.set(
        "output",
        body.has("input")
            ? body.get("input")
            : messages != null ? messages : NullNode.getInstance());
    if (stream != null && stream.asBoolean()) {
      return Reply.events(List.of(out.toString(), "[DONE]"));
    }
    return Reply.ok(out);
  }
}

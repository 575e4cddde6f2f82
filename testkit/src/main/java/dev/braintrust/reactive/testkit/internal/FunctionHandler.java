package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/function}: create (or get by project and slug), create-or-replace, list, get, patch,
 * delete, and {@code POST /v1/function/{id}/invoke}, answered by a fake: a function echoes its
 * input, except a {@code scorer}, which scores an {@code {output, expected}} input 1 when the two
 * are equal and 0 otherwise. The same fake runs functions for {@code POST /v1/eval}.
 */
public final class FunctionHandler {
  private static final Set<String> TYPES = Set.of("llm", "scorer", "task", "tool");
  private static final Set<String> MODES = Set.of("auto", "parallel");

  private final ObjectStore objects;

  /** A handler keeping functions in {@code objects}. */
  public FunctionHandler(ObjectStore objects) {
    this.objects = objects;
  }

  private static final Map<String, String> FILTERS =
      Map.of("function_name", "name", "slug", "slug");

  /** {@code ex} without its {@code version} parameter, which must be a transaction id. */
  private static Exchange withoutVersion(Exchange ex) {
    String version = ex.param("version");
    if (version == null) {
      return ex;
    }
    try {
      Long.parseLong(version);
    } catch (NumberFormatException e) {
      throw HttpError.badRequest("'version' must be a transaction id, got '" + version + "'");
    }
    StringBuilder q = new StringBuilder();
    for (String kv : ex.query().split("&")) {
      if (!kv.startsWith("version=")) {
        q.append(q.length() == 0 ? "" : "&").append(kv);
      }
    }
    return new Exchange(ex.method(), ex.path(), q.toString(), ex.body());
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/v1/function", (ex, p) -> Reply.ok(create(ex.body(), false)));
    routes.on("PUT", "/v1/function", (ex, p) -> Reply.ok(create(ex.body(), true)));
    // version (the real API's and the SDKs', beyond the spec): functions keep no revisions here,
    // so any transaction id reads the function as it is now.
    routes.on(
        "GET",
        "/v1/function",
        (ex, p) -> Listing.list(objects, withoutVersion(ex), "function", FILTERS, true));
    routes.on(
        "GET",
        "/v1/function/([^/]+)",
        (ex, p) -> {
          Query.allow(ex, java.util.Set.of("version"));
          withoutVersion(ex);
          return Reply.ok(Listing.existing(objects, "function", p.get(0)));
        });
    Listing.routes(routes, objects, "function", FILTERS, true, true);
    routes.on("PATCH", "/v1/function/([^/]+)", (ex, p) -> patch(p.get(0), Fields.of(ex.body())));
    routes.on(
        "POST",
        "/v1/function/([^/]+)/invoke",
        (ex, p) -> invoke(Listing.existing(objects, "function", p.get(0)), ex.body()));
  }

  /**
   * Creates (or gets, or with {@code replace} replaces) the function a CreateFunction body
   * describes.
   */
  public ObjectNode create(JsonNode json, boolean replace) {
    Fields body = Fields.of(json);
    String projectId = body.required("project_id");
    body.required("name");
    String slug = body.required("slug");
    body.requiredObject("function_data");
    body.string("description");
    PromptHandler.checkPromptData(body);
    body.object("function_schema");
    body.oneOf("function_type", TYPES);
    Listing.existing(objects, "project", projectId);
    ObjectNode fields =
        body.pick(
            "name",
            "description",
            "function_type",
            "function_data",
            "prompt_data",
            "function_schema");
    return replace
        ? objects.replace("function", "slug", slug, projectId, fields)
        : objects.getOrCreate("function", "slug", slug, projectId, fields);
  }

  private Reply patch(String id, Fields body) {
    String name = body.string("name");
    if (body.node().has("name") && (name == null || name.isBlank())) {
      throw HttpError.badRequest("'name' must not be blank");
    }
    body.string("description");
    body.object("function_data");
    ObjectNode changes = body.pick("name", "description", "function_data");
    if (changes.has("function_data") && changes.get("function_data").isNull()) {
      throw HttpError.badRequest("'function_data' must be an object");
    }
    return Reply.ok(Listing.found("function", id, objects.patch("function", id, changes)));
  }

  /** What the fake function returns for {@code input}. */
  static JsonNode output(ObjectNode function, JsonNode input) {
    if (!"scorer".equals(function.path("function_type").asText())) {
      return input;
    }
    return Json.object()
        .put("name", function.path("name").asText())
        .put("score", score(input.path("output"), input.path("expected")));
  }

  /** The fake scorer: 1 when {@code output} equals {@code expected}, else 0. */
  static double score(JsonNode output, JsonNode expected) {
    return output.equals(expected) ? 1 : 0;
  }

  private static Reply invoke(ObjectNode function, JsonNode json) {
    Fields body = Fields.of(json);
    Boolean stream = body.bool("stream");
    JsonNode messages = body.array("messages");
    body.oneOf("mode", MODES);
    body.string("version");
    JsonNode parent = body.node().get("parent");
    if (parent != null && !parent.isNull() && !parent.isTextual() && !parent.isObject()) {
      throw HttpError.badRequest("'parent' must be a string or an object");
    }
    ObjectNode out = Json.object();
    out.put("function", function.path("slug").asText());
    out.put("function_id", function.path("id").asText());
    JsonNode input =
        json.has("input")
            ? json.get("input")
            : messages != null ? messages : NullNode.getInstance();
    out.set("output", output(function, input));
    if (stream != null && stream) {
      return Reply.events(List.of(out.toString(), "[DONE]"));
    }
    return Reply.ok(out);
  }
}

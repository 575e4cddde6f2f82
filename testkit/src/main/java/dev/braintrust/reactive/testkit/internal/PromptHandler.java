package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * {@code /v1/prompt}: create (or get by project and slug), create-or-replace by project and slug
 * ({@code PUT}), list, get, patch, delete.
 */
public final class PromptHandler {
  private final ObjectStore objects;

  /** A handler keeping prompts in {@code objects}. */
  public PromptHandler(ObjectStore objects) {
    this.objects = objects;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/v1/prompt", (ex, p) -> Reply.ok(create(Fields.of(ex.body()), false)));
    routes.on("PUT", "/v1/prompt", (ex, p) -> Reply.ok(create(Fields.of(ex.body()), true)));
    Listing.routes(
        routes, objects, "prompt", Map.of("prompt_name", "name", "slug", "slug"), true, true);
    routes.on("PATCH", "/v1/prompt/([^/]+)", (ex, p) -> patch(p.get(0), Fields.of(ex.body())));
  }

  private ObjectNode create(Fields body, boolean replace) {
    String projectId = body.required("project_id");
    body.required("name");
    String slug = body.required("slug");
    body.string("description");
    checkPromptData(body);
    body.strings("tags");
    Listing.existing(objects, "project", projectId);
    ObjectNode fields = body.pick("name", "description", "prompt_data", "tags");
    return replace
        ? objects.replace("prompt", "slug", slug, projectId, fields)
        : objects.getOrCreate("prompt", "slug", slug, projectId, fields);
  }

  private Reply patch(String id, Fields body) {
    String name = body.string("name");
    if (body.node().has("name") && (name == null || name.isBlank())) {
      throw HttpError.badRequest("'name' must not be blank");
    }
    body.string("description");
    checkPromptData(body);
    body.strings("tags");
    ObjectNode changes = body.pick("name", "description", "prompt_data", "tags");
    return Reply.ok(Listing.found("prompt", id, objects.patch("prompt", id, changes)));
  }

  /**
   * Checks an optional {@code prompt_data} against the spec's PromptData: {@code prompt} and {@code
   * options} objects, {@code parser} an object or null, {@code tool_functions} an array of objects
   * or null.
   */
  static void checkPromptData(Fields body) {
    JsonNode data = body.object("prompt_data");
    if (data == null) {
      return;
    }
    Fields f = Fields.nested(data, "prompt_data");
    f.object("prompt");
    f.object("options");
    f.object("parser");
    f.objects("tool_functions");
  }
}

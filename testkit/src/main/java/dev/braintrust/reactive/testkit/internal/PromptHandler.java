package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/prompt}: create (or get by project and slug), create-or-replace by project and slug
 * ({@code PUT}), list, get, patch, delete.
 */
public final class PromptHandler {
  private static final Map<String, String> FILTERS = Map.of("prompt_name", "name", "slug", "slug");

  private final ObjectStore objects;
  private final PromptVersions versions = new PromptVersions();

  /** A handler keeping prompts in {@code objects}. */
  public PromptHandler(ObjectStore objects) {
    this.objects = objects;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on(
        "POST",
        "/v1/prompt",
        (ex, p) -> Reply.ok(versions.recordIfNew(create(Fields.of(ex.body()), false))));
    routes.on(
        "PUT",
        "/v1/prompt",
        (ex, p) -> Reply.ok(versions.record(create(Fields.of(ex.body()), true))));
    // Before the generic routes, so lists and reads carry each prompt's version.
    routes.on("GET", "/v1/prompt", this::list);
    routes.on(
        "GET",
        "/v1/prompt/([^/]+)",
        (ex, p) -> {
          // version: the real API's (and the SDKs'), beyond the spec, as for the list.
          Query.allow(ex, java.util.Set.of("version"));
          ObjectNode prompt = Listing.existing(objects, "prompt", p.get(0));
          String version = ex.param("version");
          if (version == null) {
            return Reply.ok(versions.latest(prompt));
          }
          return Reply.ok(
              Listing.found(
                  "prompt version " + version + " of", p.get(0), versions.at(prompt, version)));
        });
    Listing.routes(routes, objects, "prompt", FILTERS, true, true);
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
    return Reply.ok(
        versions.record(Listing.found("prompt", id, objects.patch("prompt", id, changes))));
  }

  /**
   * The generic list, plus {@code version} (the real API's, beyond the spec): each prompt as it was
   * at that transaction, prompts created later left out.
   */
  private Reply list(Exchange ex, List<String> params) {
    String version = ex.param("version");
    Exchange rest = ex;
    if (version != null) {
      StringBuilder q = new StringBuilder();
      for (String kv : ex.query().split("&")) {
        if (!kv.startsWith("version=")) {
          q.append(q.length() == 0 ? "" : "&").append(kv);
        }
      }
      rest = new Exchange(ex.method(), ex.path(), q.toString(), ex.body());
    }
    Reply all = Listing.list(objects, rest, "prompt", FILTERS, true);
    try {
      return Reply.ok(versions.versioned(Json.MAPPER.readTree(all.body()), version));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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

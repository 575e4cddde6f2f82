package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * {@code /v1/project}, {@code /v1/experiment}, {@code /v1/dataset}: create (or get by name), list,
 * get, patch, delete. Creates require exactly the spec's required fields: a project its name, an
 * experiment its project (the name is generated when missing), a dataset its name. Objects a body
 * refers to (project, base experiment, dataset) must exist, else 404.
 */
public final class ObjectHandler {
  private final ObjectStore objects;

  /** A handler over {@code objects}. */
  public ObjectHandler(ObjectStore objects) {
    this.objects = objects;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/v1/project", (ex, p) -> Reply.ok(createProject(Fields.of(ex.body()))));
    routes.on(
        "POST", "/v1/experiment", (ex, p) -> Reply.ok(createExperiment(Fields.of(ex.body()))));
    routes.on("POST", "/v1/dataset", (ex, p) -> Reply.ok(createDataset(Fields.of(ex.body()))));
    Listing.routes(routes, objects, "project", Map.of("project_name", "name"), false, true);
    Listing.routes(routes, objects, "experiment", Map.of("experiment_name", "name"), true, true);
    Listing.routes(routes, objects, "dataset", Map.of("dataset_name", "name"), true, true);
    routes.on(
        "PATCH",
        "/v1/project/([^/]+)",
        (ex, p) -> patch("project", p.get(0), Fields.of(ex.body()), "name", "settings"));
    for (String kind : new String[] {"experiment", "dataset"}) {
      routes.on(
          "PATCH",
          "/v1/" + kind + "/([^/]+)",
          (ex, p) ->
              patch(kind, p.get(0), Fields.of(ex.body()), "name", "description", "metadata"));
    }
  }

  private ObjectNode createProject(Fields body) {
    String name = body.required("name");
    Listing.checkOrg(body.string("org_name"));
    return objects.getOrCreate("project", "name", name, null, Json.object());
  }

  private ObjectNode createExperiment(Fields body) {
    String projectId = existingProject(body.required("project_id"));
    String name = body.string("name");
    if (name != null && name.isBlank()) {
      throw HttpError.badRequest("'name' must not be blank");
    }
    body.string("description");
    body.string("dataset_version");
    body.bool("public");
    body.object("metadata");
    body.object("repo_info");
    String base = body.string("base_exp_id");
    if (base != null) {
      Listing.existing(objects, "experiment", base);
    }
    String dataset = body.string("dataset_id");
    if (dataset != null) {
      Listing.existing(objects, "dataset", dataset);
    }
    ObjectNode fields =
        body.pick(
            "description",
            "base_exp_id",
            "dataset_id",
            "dataset_version",
            "public",
            "metadata",
            "repo_info");
    return objects.getOrCreate("experiment", "name", name, projectId, fields);
  }

  private ObjectNode createDataset(Fields body) {
    String name = body.required("name");
    String projectId = body.string("project_id");
    body.string("description");
    body.object("metadata");
    return objects.getOrCreate(
        "dataset",
        "name",
        name,
        projectId == null ? null : existingProject(projectId),
        body.pick("description", "metadata"));
  }

  private String existingProject(String projectId) {
    return Listing.existing(objects, "project", projectId).get("id").asText();
  }

  /** Applies the spec's patchable fields of a body; other fields are ignored. */
  private Reply patch(String kind, String id, Fields body, String... patchable) {
    for (String f : patchable) {
      if (f.equals("name")) {
        String name = body.string(f);
        if (body.node().has(f) && (name == null || name.isBlank())) {
          throw HttpError.badRequest("'name' must not be blank");
        }
      } else if (f.equals("description")) {
        body.string(f);
      } else {
        body.object(f);
      }
    }
    JsonNode changes = body.pick(patchable);
    return Reply.ok(Listing.found(kind, id, objects.patch(kind, id, changes)));
  }
}

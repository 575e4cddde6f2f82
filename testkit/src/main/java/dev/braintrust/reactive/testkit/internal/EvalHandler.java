package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/eval}: runs an eval server-side with the testkit's fake functions and answers
 * with the new experiment's summary (SummarizeExperimentResponse, scores included).
 *
 * <p>{@code data} is a dataset id or name (in the eval's project), an object naming one by {@code
 * dataset_id} or {@code dataset_name} (with {@code project_id} or {@code project_name}), or an
 * object holding records in {@code data}. {@code task} and each of {@code scores} is a function id
 * or slug, or an object naming one by {@code function_id} or {@code slug} (with {@code project_id}
 * or {@code project_name}). For each record the task function's fake output is the record's input
 * echoed; each scorer scores 1 when the output equals the record's {@code expected} and 0
 * otherwise, under the scorer function's name. The rows go into a new experiment named {@code
 * experiment_name} (default {@code eval}), suffixed {@code -2}, {@code -3}, ... when taken. {@code
 * stream} is accepted, but the answer is always the JSON summary.
 */
public final class EvalHandler {
  /** One record to evaluate; {@code origin} points at its dataset row, if any. */
  private record Case(
      JsonNode input, JsonNode expected, JsonNode metadata, @Nullable ObjectNode origin) {}

  private final ObjectStore objects;
  private final RowStore rows;
  private final SummaryHandler summaries;

  /** A handler writing experiments to {@code objects} and {@code rows}. */
  public EvalHandler(ObjectStore objects, RowStore rows, SummaryHandler summaries) {
    this.objects = objects;
    this.rows = rows;
    this.summaries = summaries;
  }

  /** Adds this handler's route. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/v1/eval", (ex, p) -> Reply.ok(eval(Fields.of(ex.body()))));
  }

  private ObjectNode eval(Fields body) {
    String projectId = body.required("project_id");
    String name = body.string("experiment_name");
    JsonNode metadata = body.object("metadata");
    body.bool("stream");
    JsonNode data = stringOrObject(body, "data");
    JsonNode task = stringOrObject(body, "task");
    JsonNode scores = body.array("scores");
    if (scores == null) {
      throw HttpError.badRequest("'scores' is required");
    }
    Listing.existing(objects, "project", projectId);
    ObjectNode experimentFields = Json.object();
    List<Case> cases = cases(data, projectId, experimentFields);
    ObjectNode taskFunction = function("task", task, projectId);
    List<ObjectNode> scorers = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      JsonNode s = scores.get(i);
      if (!s.isTextual() && !s.isObject()) {
        throw HttpError.badRequest("'scores[" + i + "]' must be a string or an object");
      }
      scorers.add(function("scores[" + i + "]", s, projectId));
    }
    if (metadata != null) {
      experimentFields.set("metadata", metadata.deepCopy());
    }
    String experimentId =
        objects
            .createFresh("experiment", name == null ? "eval" : name, projectId, experimentFields)
            .get("id")
            .asText();
    List<ObjectNode> events = new ArrayList<>();
    for (Case c : cases) {
      JsonNode output = FunctionHandler.output(taskFunction, c.input());
      ObjectNode event = Json.object();
      event.set("input", c.input());
      event.set("output", output);
      event.set("expected", c.expected());
      if (!c.metadata().isNull()) {
        event.set("metadata", c.metadata());
      }
      ObjectNode scored = event.putObject("scores");
      for (ObjectNode scorer : scorers) {
        scored.put(scorer.path("name").asText(), FunctionHandler.score(output, c.expected()));
      }
      event.putObject("span_attributes").put("name", "eval").put("type", "eval");
      if (c.origin() != null) {
        event.set("origin", c.origin());
      }
      events.add(event);
    }
    rows.insert(RowStore.key("experiment", experimentId), events);
    return summaries.experiment(experimentId, null, true);
  }

  private static JsonNode stringOrObject(Fields body, String field) {
    JsonNode v = body.node().get(field);
    if (v == null || v.isNull()) {
      throw HttpError.badRequest(body.name(field) + " is required");
    }
    if (!v.isTextual() && !v.isObject()) {
      throw HttpError.badRequest(body.name(field) + " must be a string or an object");
    }
    return v;
  }

  /** The records {@code data} names; records from a dataset also set the experiment's dataset. */
  private List<Case> cases(JsonNode data, String projectId, ObjectNode experimentFields) {
    ObjectNode dataset;
    if (data.isTextual()) {
      dataset = named("dataset", data.asText(), "name", projectId);
    } else {
      Fields f = Fields.nested(data, "data");
      String id = f.string("dataset_id");
      String name = f.string("dataset_name");
      List<JsonNode> inline = f.objects("data");
      if (id != null) {
        dataset = Listing.existing(objects, "dataset", id);
      } else if (name != null) {
        dataset = byName("dataset", "name", name, project(f, projectId));
      } else if (inline != null) {
        List<Case> out = new ArrayList<>();
        for (int i = 0; i < inline.size(); i++) {
          Fields r = Fields.nested(inline.get(i), "data.data[" + i + "]");
          r.object("metadata");
          out.add(new Case(value(r, "input"), value(r, "expected"), value(r, "metadata"), null));
        }
        return out;
      } else {
        throw HttpError.badRequest(
            "'data' must name a dataset by 'dataset_id' or 'dataset_name', or hold records in"
                + " 'data'");
      }
    }
    String datasetId = dataset.get("id").asText();
    experimentFields.put("dataset_id", datasetId);
    List<Case> out = new ArrayList<>();
    for (ObjectNode row : rows.rows(RowStore.key("dataset", datasetId))) {
      ObjectNode origin =
          Json.object()
              .put("object_type", "dataset")
              .put("object_id", datasetId)
              .put("id", row.get("id").asText());
      out.add(
          new Case(value(row, "input"), value(row, "expected"), value(row, "metadata"), origin));
    }
    return out;
  }

  private static JsonNode value(Fields f, String field) {
    return value(f.node(), field);
  }

  private static JsonNode value(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null ? Json.MAPPER.nullNode() : v.deepCopy();
  }

  /** The function a task or scorer names. */
  private ObjectNode function(String where, JsonNode ref, String projectId) {
    if (ref.isTextual()) {
      return named("function", ref.asText(), "slug", projectId);
    }
    Fields f = Fields.nested(ref, where);
    String id = f.string("function_id");
    String slug = f.string("slug");
    if (id != null) {
      return Listing.existing(objects, "function", id);
    }
    if (slug != null) {
      return byName("function", "slug", slug, project(f, projectId));
    }
    throw HttpError.badRequest(
        "'" + where + "' must name a function by 'function_id' or by 'slug'");
  }

  /** The object with this id, else the one in the project whose {@code field} is {@code key}. */
  private ObjectNode named(String kind, String key, String field, String projectId) {
    ObjectNode byId = objects.get(kind, key);
    return byId != null ? byId : byName(kind, field, key, projectId);
  }

  private ObjectNode byName(String kind, String field, String key, String projectId) {
    for (ObjectNode o : Listing.where(objects, kind, field, key)) {
      if (projectId.equals(o.path("project_id").asText())) {
        return o;
      }
    }
    throw HttpError.notFound(kind + " '" + key + "' not found");
  }

  /** The project a reference names by project_id or project_name, else the eval's. */
  private String project(Fields ref, String projectId) {
    String id = ref.string("project_id");
    String name = ref.string("project_name");
    if (id != null) {
      return Listing.existing(objects, "project", id).get("id").asText();
    }
    if (name != null) {
      ObjectNode named = Listing.projectNamed(objects, name);
      if (named == null) {
        throw HttpError.notFound("project '" + name + "' not found");
      }
      return named.get("id").asText();
    }
    return projectId;
  }
}

package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/experiment/{id}/summarize} (average scores, compared with another experiment, when
 * {@code summarize_scores=true}) and {@code GET /v1/dataset/{id}/summarize} (the record count when
 * {@code summarize_data=true}). Without {@code comparison_experiment_id} an experiment is compared
 * with its {@code base_exp_id}, if it has one.
 */
public final class SummaryHandler {
  private final ObjectStore objects;
  private final RowStore rows;
  private final Supplier<String> baseUrl;

  /** A handler summarizing rows of {@code rows}; URLs in summaries start with {@code baseUrl}. */
  public SummaryHandler(ObjectStore objects, RowStore rows, Supplier<String> baseUrl) {
    this.objects = objects;
    this.rows = rows;
    this.baseUrl = baseUrl;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on(
        "GET",
        "/v1/experiment/([^/]+)/summarize",
        (ex, p) -> {
          Query.allow(ex, Set.of("summarize_scores", "comparison_experiment_id"));
          return Reply.ok(
              experiment(
                  p.get(0),
                  ex.param("comparison_experiment_id"),
                  Query.flag(ex, "summarize_scores")));
        });
    routes.on("GET", "/v1/dataset/([^/]+)/summarize", (ex, p) -> dataset(p.get(0), ex));
  }

  private Reply dataset(String datasetId, Exchange ex) {
    Query.allow(ex, Set.of("summarize_data"));
    ObjectNode dataset = existing("dataset", datasetId);
    ObjectNode out = Json.object();
    // The spec types project_name as a string, so a dataset outside any project gets "".
    out.put("project_name", projectName(dataset));
    out.put("dataset_name", dataset.path("name").asText());
    if (Query.flag(ex, "summarize_data")) {
      out.putObject("data_summary")
          .put("total_records", rows.ids(RowStore.key("dataset", datasetId)).size());
    } else {
      out.putNull("data_summary");
    }
    return Reply.ok(out);
  }

  private String projectName(ObjectNode object) {
    ObjectNode project = objects.get("project", object.path("project_id").asText());
    return project == null ? "" : project.path("name").asText();
  }

  /**
   * The SummarizeExperimentResponse of an experiment: names and URLs, and with {@code scores} the
   * average of each score, compared with {@code comparisonId} (else the base experiment, if any).
   */
  ObjectNode experiment(String experimentId, @Nullable String comparison, boolean scores) {
    ObjectNode exp = existing("experiment", experimentId);
    ObjectNode out = Json.object();
    String projectName = projectName(exp);
    String projectUrl =
        baseUrl.get() + "/app/" + encode(Seeds.ORG_NAME) + "/p/" + encode(projectName);
    out.put("project_name", projectName);
    out.put("experiment_name", exp.path("name").asText());
    out.put("project_url", projectUrl);
    out.put("experiment_url", projectUrl + "/experiments/" + encode(exp.path("name").asText()));
    String comparisonId = comparison;
    String base = exp.path("base_exp_id").textValue();
    if (comparisonId == null && base != null && objects.get("experiment", base) != null) {
      comparisonId = base;
    }
    Map<String, double[]> theirs = Map.of();
    Map<String, Map<String, Double>> theirsByInput = Map.of();
    if (comparisonId != null) {
      out.put(
          "comparison_experiment_name", existing("experiment", comparisonId).path("name").asText());
      theirs = scoreTotals(comparisonId);
      theirsByInput = scoresByInput(comparisonId);
    } else {
      out.putNull("comparison_experiment_name");
    }
    // Without summarize_scores the API answers with the names only.
    if (!scores) {
      out.putNull("scores");
      out.putNull("metrics");
      return out;
    }
    Map<String, Map<String, Double>> mineByInput = scoresByInput(experimentId);
    ObjectNode byName = out.putObject("scores");
    for (Map.Entry<String, double[]> s : scoreTotals(experimentId).entrySet()) {
      String name = s.getKey();
      double avg = s.getValue()[0] / s.getValue()[1];
      ObjectNode n = byName.putObject(name);
      n.put("name", name);
      n.put("score", avg);
      double @Nullable [] other = theirs.get(name);
      if (other == null) {
        n.putNull("diff");
        n.put("improvements", 0);
        n.put("regressions", 0);
        continue;
      }
      n.put("diff", avg - other[0] / other[1]);
      int up = 0;
      int down = 0;
      for (Map.Entry<String, Map<String, Double>> row : mineByInput.entrySet()) {
        Double a = row.getValue().get(name);
        Map<String, Double> o = theirsByInput.get(row.getKey());
        Double b = o == null ? null : o.get(name);
        if (a != null && b != null) {
          if (a > b) {
            up++;
          } else if (a < b) {
            down++;
          }
        }
      }
      n.put("improvements", up);
      n.put("regressions", down);
    }
    out.putObject("metrics");
    return out;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private ObjectNode existing(String kind, String id) {
    ObjectNode o = objects.get(kind, id);
    if (o == null) {
      throw HttpError.notFound(kind + " '" + id + "' not found");
    }
    return o;
  }

  /** Per score name: {sum, count} over the rows with a numeric value. */
  private Map<String, double[]> scoreTotals(String experimentId) {
    Map<String, double[]> totals = new LinkedHashMap<>();
    for (ObjectNode row : rows.rows(RowStore.key("experiment", experimentId))) {
      for (Iterator<Map.Entry<String, JsonNode>> it = row.path("scores").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> s = it.next();
        if (s.getValue().isNumber()) {
          double[] t = totals.computeIfAbsent(s.getKey(), k -> new double[2]);
          t[0] += s.getValue().asDouble();
          t[1] += 1;
        }
      }
    }
    return totals;
  }

  /**
   * Numeric scores by row input, to pair the cases (root rows: a case's child spans share its
   * input) of two experiments that ran the same input.
   */
  private Map<String, Map<String, Double>> scoresByInput(String experimentId) {
    Map<String, Map<String, Double>> out = new HashMap<>();
    for (ObjectNode row : rows.rows(RowStore.key("experiment", experimentId))) {
      if (!row.path("span_parents").isEmpty()) {
        continue;
      }
      Map<String, Double> s = new HashMap<>();
      row.path("scores")
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isNumber()) {
                  s.put(e.getKey(), e.getValue().asDouble());
                }
              });
      out.put(row.path("input").toString(), s);
    }
    return out;
  }
}

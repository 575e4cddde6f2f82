package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /v1/eval}: runs the fake task and scorers over data into a new experiment. */
@ExtendWith(BraintrustTestServerExtension.class)
class EvalRoutesTest {

  /** A project with an echo task, an exact-match scorer and a two-record dataset. */
  private record Setup(String projectId, String datasetId, String taskId, String scorerId) {}

  private static Setup setup(BraintrustTestServer server, String project) {
    JdkHttp http = new JdkHttp(server);
    String taskId = server.createFunction(project, "echo");
    String pid = server.projectId(project);
    String scorerId =
        http.post(
                "/v1/function",
                ("{\"project_id\":\"%s\",\"name\":\"exact\",\"slug\":\"exact\","
                        + "\"function_type\":\"scorer\",\"function_data\":{\"type\":\"code\"}}")
                    .formatted(pid))
            .get("id");
    String did = server.createDataset(pid, "cases");
    http.post(
        "/v1/dataset/" + did + "/insert",
        "{\"events\":[{\"id\":\"r1\",\"input\":\"a\",\"expected\":\"a\",\"metadata\":{\"n\":1}},"
            + "{\"id\":\"r2\",\"input\":\"b\",\"expected\":\"B\"}]}");
    return new Setup(pid, did, taskId, scorerId);
  }

  @Test
  void anEvalOverADatasetWritesAnExperimentAndAnswersItsSummary(BraintrustTestServer server) {
    Setup s = setup(server, "eval-dataset");
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res r =
        http.post(
            "/v1/eval",
            ("{\"project_id\":\"%s\",\"experiment_name\":\"run\",\"data\":{\"dataset_id\":\"%s\"},"
                    + "\"task\":{\"function_id\":\"%s\"},\"scores\":[{\"function_id\":\"%s\"}],"
                    + "\"metadata\":{\"model\":\"m\"}}")
                .formatted(s.projectId(), s.datasetId(), s.taskId(), s.scorerId()));

    assertThat(r.get("project_name")).isEqualTo("eval-dataset");
    assertThat(r.get("experiment_name")).isEqualTo("run");
    assertThat(r.get("experiment_url")).endsWith("/p/eval-dataset/experiments/run");
    assertThat(r.json().get("comparison_experiment_name").isNull()).isTrue();
    JsonNode exact = r.json().get("scores").get("exact");
    assertThat(exact.get("name").asText()).isEqualTo("exact");
    assertThat(exact.get("score").asDouble()).isEqualTo(0.5);
    JdkHttp.Res experiments =
        http.get("/v1/experiment?experiment_name=run&project_id=" + s.projectId());
    JsonNode experiment = experiments.json().get("objects").get(0);
    assertThat(experiment.get("dataset_id").asText()).isEqualTo(s.datasetId());
    assertThat(experiment.get("metadata").get("model").asText()).isEqualTo("m");
    List<ObjectNode> rows = server.experimentRows(experiment.get("id").asText());
    assertThat(rows).hasSize(2);
    ObjectNode first = rows.get(0);
    assertThat(first.get("input").asText()).isEqualTo("a");
    assertThat(first.get("output").asText()).isEqualTo("a");
    assertThat(first.get("expected").asText()).isEqualTo("a");
    assertThat(first.get("scores").get("exact").asDouble()).isEqualTo(1.0);
    assertThat(first.get("metadata").get("n").asInt()).isEqualTo(1);
    assertThat(first.get("origin").get("id").asText()).isEqualTo("r1");
    assertThat(first.get("origin").get("object_id").asText()).isEqualTo(s.datasetId());
    assertThat(rows.get(1).get("scores").get("exact").asDouble()).isEqualTo(0.0);
  }

  @Test
  void dataAndFunctionsMayBeNamedAndANameInUseGetsASuffix(BraintrustTestServer server) {
    Setup s = setup(server, "eval-names");
    JdkHttp http = new JdkHttp(server);
    String byName =
        "{\"project_id\":\"%s\",\"experiment_name\":\"again\",\"data\":\"cases\",\"task\":\"echo\",\"scores\":[\"exact\"]}"
            .formatted(s.projectId());

    JdkHttp.Res first = http.post("/v1/eval", byName);
    JdkHttp.Res second = http.post("/v1/eval", byName);
    JdkHttp.Res inline =
        http.post(
            "/v1/eval",
            ("{\"project_id\":\"%s\",\"data\":{\"data\":[{\"input\":{\"q\":1},\"expected\":{\"q\":1}}]},"
                    + "\"task\":{\"slug\":\"echo\",\"project_name\":\"eval-names\"},\"scores\":[]}")
                .formatted(s.projectId()));

    assertThat(first.get("experiment_name")).isEqualTo("again");
    assertThat(first.json().get("scores").get("exact").get("score").asDouble()).isEqualTo(0.5);
    assertThat(second.get("experiment_name")).isEqualTo("again-2");
    assertThat(inline.get("experiment_name")).isEqualTo("eval");
    assertThat(inline.json().get("scores").size()).isZero();
    String inlineId =
        http.get("/v1/experiment?experiment_name=eval&project_id=" + s.projectId())
            .each("id")
            .get(0);
    assertThat(server.experimentRows(inlineId))
        .singleElement()
        .satisfies(row -> assertThat(row.get("output").get("q").asInt()).isEqualTo(1));
  }

  @Test
  void aBadEvalIs400OrA404AndWritesNoExperiment(BraintrustTestServer server) {
    Setup s = setup(server, "eval-bad");
    JdkHttp http = new JdkHttp(server);
    String pid = s.projectId();

    assertThat(
            http.post(
                    "/v1/eval",
                    "{\"project_id\":\"%s\",\"data\":\"cases\",\"task\":\"echo\"}".formatted(pid))
                .error(400))
        .isEqualTo("'scores' is required");
    assertThat(
            http.post(
                    "/v1/eval",
                    "{\"project_id\":\"%s\",\"data\":5,\"task\":\"echo\",\"scores\":[]}"
                        .formatted(pid))
                .error(400))
        .isEqualTo("'data' must be a string or an object");
    assertThat(
            http.post(
                    "/v1/eval",
                    "{\"project_id\":\"%s\",\"data\":{\"rows\":[]},\"task\":\"echo\",\"scores\":[]}"
                        .formatted(pid))
                .error(400))
        .isEqualTo(
            "'data' must name a dataset by 'dataset_id' or 'dataset_name', or hold records in 'data'");
    assertThat(
            http.post(
                    "/v1/eval",
                    "{\"project_id\":\"%s\",\"data\":\"missing\",\"task\":\"echo\",\"scores\":[]}"
                        .formatted(pid))
                .error(404))
        .isEqualTo("dataset 'missing' not found");
    assertThat(
            http.post(
                    "/v1/eval",
                    "{\"project_id\":\"%s\",\"data\":\"cases\",\"task\":\"echo\",\"scores\":[\"nope\"]}"
                        .formatted(pid))
                .error(404))
        .isEqualTo("function 'nope' not found");
    assertThat(
            http.post(
                    "/v1/eval",
                    "{\"project_id\":\"%s\",\"data\":\"cases\",\"task\":{\"code\":\"x\"},\"scores\":[]}"
                        .formatted(pid))
                .error(400))
        .isEqualTo("'task' must name a function by 'function_id' or by 'slug'");
    assertThat(
            http.post(
                    "/v1/eval",
                    "{\"project_id\":\"nope\",\"data\":\"cases\",\"task\":\"echo\",\"scores\":[]}")
                .error(404))
        .isEqualTo("project 'nope' not found");
    assertThat(http.get("/v1/experiment?project_id=" + pid).each("id")).isEmpty();
  }
}

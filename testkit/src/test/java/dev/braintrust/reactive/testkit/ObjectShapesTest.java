package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Projects, experiments and datasets carry every field of the spec's schemas, take only the fields
 * and query parameters the spec declares, and name the bad one in a 400.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class ObjectShapesTest {

  private static List<String> fields(JsonNode o) {
    List<String> out = new ArrayList<>();
    o.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void aProjectHasTheSchemasFieldsWithTheOrgAndOwningUser(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res created =
        http.post("/v1/project", "{\"name\":\"shaped\",\"org_name\":\"testkit\"}");

    assertThat(created.status()).isEqualTo(200);
    assertThat(fields(created.json()))
        .containsExactly("id", "org_id", "name", "created", "deleted_at", "user_id", "settings");
    assertThat(created.get("org_id")).isEqualTo(server.orgId());
    assertThat(created.get("user_id")).isEqualTo(server.userId());
    assertThat(created.json().get("deleted_at").isNull()).isTrue();
    assertThat(created.json().get("settings").isNull()).isTrue();
    assertThat(created.json().has("org_name")).isFalse();
  }

  @Test
  void aProjectInAnotherOrganizationIs404AndListsNothing(BraintrustTestServer server) {
    server.createProject("mine");
    JdkHttp http = new JdkHttp(server);

    assertThat(http.post("/v1/project", "{\"name\":\"x\",\"org_name\":\"elsewhere\"}").error(404))
        .isEqualTo("organization 'elsewhere' not found");
    assertThat(http.get("/v1/project?org_name=elsewhere").each("name")).isEmpty();
    assertThat(http.get("/v1/project?org_name=testkit&project_name=mine").each("name"))
        .containsExactly("mine");
    assertThat(server.projectId("x")).isNull();
  }

  @Test
  void anExperimentHasTheSchemasFieldsAndChecksWhatItRefersTo(BraintrustTestServer server) {
    String pid = server.createProject("p");
    String did = server.createDataset(pid, "d");
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res base = http.post("/v1/experiment", "{\"project_id\":\"" + pid + "\"}");
    JdkHttp.Res created =
        http.post(
            "/v1/experiment",
            "{\"project_id\":\"%s\",\"name\":\"e\",\"base_exp_id\":\"%s\",\"dataset_id\":\"%s\",\"public\":true,\"repo_info\":{\"commit\":\"abc\"},\"bogus\":1}"
                .formatted(pid, base.get("id"), did));

    assertThat(fields(base.json()))
        .containsExactly(
            "id",
            "project_id",
            "name",
            "description",
            "created",
            "repo_info",
            "base_exp_id",
            "dataset_id",
            "public",
            "metadata");
    assertThat(base.json().get("public").asBoolean()).isFalse();
    assertThat(created.get("base_exp_id")).isEqualTo(base.get("id"));
    assertThat(created.get("dataset_id")).isEqualTo(did);
    assertThat(created.json().get("public").asBoolean()).isTrue();
    assertThat(created.json().get("repo_info").get("commit").asText()).isEqualTo("abc");
    assertThat(created.json().has("bogus")).isFalse();
    assertThat(
            http.post(
                    "/v1/experiment", "{\"project_id\":\"" + pid + "\",\"dataset_id\":\"missing\"}")
                .error(404))
        .isEqualTo("dataset 'missing' not found");
    assertThat(
            http.post("/v1/experiment", "{\"project_id\":\"" + pid + "\",\"public\":\"yes\"}")
                .error(400))
        .isEqualTo("'public' must be a boolean");
  }

  @Test
  void aDatasetHasTheSchemasFieldsAndItsOwner(BraintrustTestServer server) {
    JdkHttp.Res created =
        new JdkHttp(server)
            .post("/v1/dataset", "{\"name\":\"golden\",\"metadata\":{\"k\":1},\"org_id\":\"x\"}");

    assertThat(fields(created.json()))
        .containsExactly(
            "id", "project_id", "name", "description", "created", "user_id", "metadata");
    assertThat(created.get("user_id")).isEqualTo(server.userId());
    assertThat(created.json().get("metadata").get("k").asInt()).isEqualTo(1);
  }

  @Test
  void patchChangesOnlyTheSpecsFieldsAndAnUnknownIdIs404(BraintrustTestServer server) {
    String pid = server.createProject("before");
    String eid = server.createExperiment(pid, "e");
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res project =
        http.patch(
            "/v1/project/" + pid,
            "{\"name\":\"after\",\"settings\":{\"comparison_key\":\"input\"},\"org_id\":\"x\"}");
    JdkHttp.Res experiment =
        http.patch("/v1/experiment/" + eid, "{\"description\":\"why\",\"metadata\":{\"run\":2}}");

    assertThat(project.get("name")).isEqualTo("after");
    assertThat(project.json().get("settings").get("comparison_key").asText()).isEqualTo("input");
    assertThat(project.get("org_id")).isEqualTo(server.orgId());
    assertThat(experiment.get("description")).isEqualTo("why");
    assertThat(experiment.json().get("metadata").get("run").asInt()).isEqualTo(2);
    assertThat(http.get("/v1/experiment/" + eid).get("description")).isEqualTo("why");
    assertThat(http.patch("/v1/dataset/nope", "{\"name\":\"x\"}").error(404))
        .isEqualTo("dataset 'nope' not found");
    assertThat(http.patch("/v1/project/" + pid, "{\"name\":null}").error(400))
        .isEqualTo("'name' must not be blank");
    assertThat(http.patch("/v1/project/" + pid, "{\"settings\":[]}").error(400))
        .isEqualTo("'settings' must be an object");
    assertThat(http.delete("/v1/experiment/nope").error(404))
        .isEqualTo("experiment 'nope' not found");
  }

  @Test
  void aQueryParameterTheOperationDoesNotDeclareIs400(BraintrustTestServer server) {
    String pid = server.createProject("p");
    JdkHttp http = new JdkHttp(server);

    assertThat(http.get("/v1/project?name=p").error(400))
        .isEqualTo("unknown query parameter 'name' for GET /v1/project");
    assertThat(http.get("/v1/experiment?dataset_name=x").error(400))
        .isEqualTo("unknown query parameter 'dataset_name' for GET /v1/experiment");
    assertThat(http.get("/v1/project/" + pid + "?verbose=true").error(400))
        .isEqualTo("unknown query parameter 'verbose' for GET /v1/project/" + pid);
    assertThat(http.get("/v1/dataset?limit=ten").error(400))
        .isEqualTo("'limit' must be a non-negative integer, got 'ten'");
    assertThat(http.get("/v1/experiment/nope/summarize?summarize_scores=true").error(404))
        .isEqualTo("experiment 'nope' not found");
  }

  @Test
  void pathIdsArePercentDecodedSingleSegments(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);

    assertThat(http.get("/v1/project/a%2Fb").error(404)).isEqualTo("project 'a/b' not found");
    RawHttp.Response malformed = new RawHttp(server).get("/v1/project/a%zz");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("error").asText())
        .isEqualTo("malformed percent-escape in path segment 'a%zz'");
    assertThat(http.get("/v1/project/a/b").error(404))
        .isEqualTo("no route for GET /v1/project/a/b");
  }

  @Test
  void summariesNameTheServersUrlsAndRejectUnknownParameters(BraintrustTestServer server) {
    String pid = server.createProject("sum proj");
    String eid = server.createExperiment(pid, "run 1");
    String did = server.createDataset(pid, "d");
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res summary = http.get("/v1/experiment/" + eid + "/summarize");

    assertThat(summary.get("project_url"))
        .isEqualTo(server.baseUrl() + "/app/testkit/p/sum%20proj");
    assertThat(summary.get("experiment_url"))
        .isEqualTo(server.baseUrl() + "/app/testkit/p/sum%20proj/experiments/run%201");
    assertThat(http.get("/v1/experiment/" + eid + "/summarize?scores=true").error(400))
        .isEqualTo("unknown query parameter 'scores' for GET /v1/experiment/" + eid + "/summarize");
    assertThat(http.get("/v1/dataset/" + did + "/summarize?summarize_data=yes").error(400))
        .isEqualTo("'summarize_data' must be true or false, got 'yes'");
  }

  @Test
  void anExperimentIsComparedWithItsBaseExperimentByDefault(BraintrustTestServer server) {
    String pid = server.createProject("compare");
    JdkHttp http = new JdkHttp(server);
    String base = server.createExperiment(pid, "base");
    String next =
        http.post(
                "/v1/experiment",
                "{\"project_id\":\"%s\",\"name\":\"next\",\"base_exp_id\":\"%s\"}"
                    .formatted(pid, base))
            .get("id");
    http.post(
        "/v1/experiment/" + base + "/insert",
        "{\"events\":[{\"input\":1,\"scores\":{\"acc\":0.5}},{\"input\":2,\"scores\":{\"acc\":1}}]}");
    http.post(
        "/v1/experiment/" + next + "/insert",
        "{\"events\":[{\"input\":1,\"scores\":{\"acc\":1}},{\"input\":2,\"scores\":{\"acc\":0}}]}");

    JsonNode summary =
        http.get("/v1/experiment/" + next + "/summarize?summarize_scores=true").json();

    assertThat(summary.get("comparison_experiment_name").asText()).isEqualTo("base");
    JsonNode acc = summary.get("scores").get("acc");
    assertThat(acc.get("score").asDouble()).isEqualTo(0.5);
    assertThat(acc.get("diff").asDouble()).isEqualTo(-0.25);
    assertThat(acc.get("improvements").asInt()).isEqualTo(1);
    assertThat(acc.get("regressions").asInt()).isEqualTo(1);
  }
}

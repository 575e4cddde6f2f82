package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Projects, experiments and datasets as the spec defines them: minimal creates, lists, summaries.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class ObjectRoutesTest {

  private static List<String> names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.get("objects").forEach(o -> out.add(o.get("name").asText()));
    return out;
  }

  @Test
  void anExperimentNeedsOnlyItsProjectAndGetsAGeneratedName(BraintrustTestServer server) {
    String pid = server.createProject("unnamed");
    RawHttp http = new RawHttp(server);

    RawHttp.Response first = http.post("/v1/experiment", "{\"project_id\":\"" + pid + "\"}");
    RawHttp.Response second = http.post("/v1/experiment", "{\"project_id\":\"" + pid + "\"}");

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().get("project_id").asText()).isEqualTo(pid);
    assertThat(first.json().get("name").asText()).isNotBlank();
    assertThat(second.json().get("id").asText()).isNotEqualTo(first.json().get("id").asText());
    assertThat(second.json().get("name").asText()).isNotEqualTo(first.json().get("name").asText());
    assertThat(names(http.get("/v1/experiment?project_id=" + pid).json()))
        .containsExactly(first.json().get("name").asText(), second.json().get("name").asText());
  }

  @Test
  void aDatasetNeedsOnlyANameAndIsCreateOrGetWithinItsProject(BraintrustTestServer server) {
    String pid = server.createProject("loose");
    RawHttp http = new RawHttp(server);

    RawHttp.Response loose = http.post("/v1/dataset", "{\"name\":\"golden\"}");
    RawHttp.Response again = http.post("/v1/dataset", "{\"name\":\"golden\"}");
    RawHttp.Response inProject =
        http.post("/v1/dataset", "{\"name\":\"golden\",\"project_id\":\"" + pid + "\"}");

    assertThat(loose.status()).isEqualTo(200);
    assertThat(loose.json().get("project_id").isNull()).isTrue();
    assertThat(again.json().get("id")).isEqualTo(loose.json().get("id"));
    assertThat(inProject.status()).isEqualTo(200);
    assertThat(inProject.json().get("id")).isNotEqualTo(loose.json().get("id"));
    assertThat(inProject.json().get("project_id").asText()).isEqualTo(pid);
    String insert = "/v1/dataset/" + loose.json().get("id").asText() + "/insert";
    assertThat(http.post(insert, "{\"events\":[{\"id\":\"r\",\"input\":1}]}").status())
        .isEqualTo(200);
  }

  @Test
  void createsRejectMissingOrMistypedRequiredFieldsWith400(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);

    assertThat(error(http.post("/v1/project", "{}"))).isEqualTo("'name' is required");
    assertThat(error(http.post("/v1/project", "{\"name\":5}")))
        .isEqualTo("'name' must be a string");
    assertThat(error(http.post("/v1/experiment", "{\"name\":\"e\"}")))
        .isEqualTo("'project_id' is required");
    assertThat(error(http.post("/v1/dataset", "{\"project_id\":\"" + pid + "\"}")))
        .isEqualTo("'name' is required");
    assertThat(error(http.post("/v1/dataset", "[]")))
        .isEqualTo("request body must be a JSON object");
    RawHttp.Response unknownProject = http.post("/v1/experiment", "{\"project_id\":\"nope\"}");
    assertThat(unknownProject.status()).isEqualTo(404);
    assertThat(unknownProject.json().get("error").asText()).isEqualTo("project 'nope' not found");
  }

  private static String error(RawHttp.Response r) {
    assertThat(r.status()).isEqualTo(400);
    return r.json().get("error").asText();
  }

  @Test
  void aDatasetSummaryCountsItsLiveRecordsWhenAsked(BraintrustTestServer server) {
    String pid = server.createProject("proj");
    String did = server.createDataset(pid, "golden");
    RawHttp http = new RawHttp(server);
    http.post(
        "/v1/dataset/" + did + "/insert",
        "{\"events\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}]}");
    http.post(
        "/v1/dataset/" + did + "/insert", "{\"events\":[{\"id\":\"c\",\"_object_delete\":true}]}");

    RawHttp.Response full = http.get("/v1/dataset/" + did + "/summarize?summarize_data=true");
    RawHttp.Response names = http.get("/v1/dataset/" + did + "/summarize");

    assertThat(full.status()).isEqualTo(200);
    assertThat(full.json().get("project_name").asText()).isEqualTo("proj");
    assertThat(full.json().get("dataset_name").asText()).isEqualTo("golden");
    assertThat(full.json().get("data_summary").get("total_records").asInt()).isEqualTo(2);
    assertThat(names.status()).isEqualTo(200);
    assertThat(names.json().get("dataset_name").asText()).isEqualTo("golden");
    assertThat(names.json().get("data_summary").isNull()).isTrue();
    assertThat(http.get("/v1/dataset/nope/summarize").status()).isEqualTo(404);
  }

  @Test
  void anExperimentSummaryHasScoresOnlyWhenAskedForThem(BraintrustTestServer server) {
    String pid = server.createProject("scored");
    String eid = server.createExperiment(pid, "exp");
    RawHttp http = new RawHttp(server);
    http.post(
        "/v1/experiment/" + eid + "/insert",
        "{\"events\":[{\"id\":\"a\",\"scores\":{\"acc\":0.5}}]}");

    JsonNode withScores =
        http.get("/v1/experiment/" + eid + "/summarize?summarize_scores=true").json();
    JsonNode namesOnly = http.get("/v1/experiment/" + eid + "/summarize").json();

    assertThat(withScores.get("scores").get("acc").get("score").asDouble()).isEqualTo(0.5);
    assertThat(namesOnly.get("experiment_name").asText()).isEqualTo("exp");
    assertThat(namesOnly.get("project_name").asText()).isEqualTo("scored");
    assertThat(namesOnly.get("scores").isNull()).isTrue();
  }

  @Test
  void experimentAndDatasetListsFilterByProjectName(BraintrustTestServer server) {
    String a = server.createProject("a");
    String b = server.createProject("b");
    server.createDataset(a, "da");
    server.createDataset(b, "db");
    server.createExperiment(b, "eb");
    RawHttp http = new RawHttp(server);

    assertThat(names(http.get("/v1/dataset?project_name=a").json())).containsExactly("da");
    assertThat(names(http.get("/v1/dataset?project_name=b&dataset_name=db").json()))
        .containsExactly("db");
    assertThat(names(http.get("/v1/experiment?project_name=b").json())).containsExactly("eb");
    assertThat(names(http.get("/v1/dataset?project_name=missing").json())).isEmpty();
    assertThat(names(http.get("/v1/dataset?project_name=a&project_id=" + b).json())).isEmpty();
  }

  @Test
  void aKnownPathWithAnotherMethodIs405AndAnUnknownPathIs404(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);

    RawHttp.Response wrongMethod = http.get("/v1/project_logs/" + pid + "/insert");
    RawHttp.Response noRoute = http.get("/v1/nothing");

    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.json().get("error").asText())
        .isEqualTo("method GET not allowed on /v1/project_logs/" + pid + "/insert");
    assertThat(noRoute.status()).isEqualTo(404);
    assertThat(noRoute.json().get("error").asText()).isEqualTo("no route for GET /v1/nothing");
  }
}

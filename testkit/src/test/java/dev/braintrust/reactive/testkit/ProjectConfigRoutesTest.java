package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /v1/project_score}, {@code /v1/project_tag} and {@code /v1/view}. */
@ExtendWith(BraintrustTestServerExtension.class)
class ProjectConfigRoutesTest {

  @Test
  void aProjectScoreIsCreatedOnceListedReadAndDeleted(BraintrustTestServer server) {
    String pid = server.createProject("scores");
    String other = server.createProject("scores-other");
    JdkHttp http = new JdkHttp(server);
    String body =
        "{\"project_id\":\"%s\",\"name\":\"quality\",\"score_type\":\"categorical\",\"categories\":[{\"name\":\"good\",\"value\":1}]}";

    JdkHttp.Res created = http.post("/v1/project_score", body.formatted(pid));
    JdkHttp.Res again =
        http.post(
            "/v1/project_score",
            "{\"project_id\":\"" + pid + "\",\"name\":\"quality\",\"score_type\":\"slider\"}");
    http.post("/v1/project_score", body.formatted(other));

    assertThat(created.get("project_id")).isEqualTo(pid);
    assertThat(created.get("score_type")).isEqualTo("categorical");
    assertThat(created.json().get("categories").get(0).get("name").asText()).isEqualTo("good");
    assertThat(created.json().get("description").isNull()).isTrue();
    assertThat(created.json().has("created")).isTrue();
    assertThat(again.get("id")).isEqualTo(created.get("id"));
    assertThat(again.get("score_type")).isEqualTo("categorical");
    assertThat(http.get("/v1/project_score?project_id=" + pid).each("id"))
        .containsExactly(created.get("id"));
    assertThat(http.get("/v1/project_score?project_score_name=quality").each("project_id"))
        .containsExactly(pid, other);
    String id = created.get("id");
    assertThat(http.get("/v1/project_score/" + id).get("name")).isEqualTo("quality");
    assertThat(http.delete("/v1/project_score/" + id).get("id")).isEqualTo(id);
    assertThat(http.get("/v1/project_score/" + id).error(404))
        .isEqualTo("project_score '" + id + "' not found");
    assertThat(http.delete("/v1/project_score/" + id).error(404))
        .isEqualTo("project_score '" + id + "' not found");
    assertThat(http.get("/v1/project_score?project_name=scores").each("id")).isEmpty();
  }

  @Test
  void projectScoreBodiesFollowTheSchema(BraintrustTestServer server) {
    String pid = server.createProject("scores-bad");
    JdkHttp http = new JdkHttp(server);

    assertThat(
            http.post("/v1/project_score", "{\"project_id\":\"" + pid + "\",\"name\":\"q\"}")
                .error(400))
        .isEqualTo("'score_type' is required");
    assertThat(
            http.post(
                    "/v1/project_score",
                    "{\"project_id\":\"" + pid + "\",\"name\":\"q\",\"score_type\":\"stars\"}")
                .error(400))
        .isEqualTo(
            "'score_type' must be one of categorical, maximum, minimum, online, slider, weighted");
    assertThat(
            http.post(
                    "/v1/project_score",
                    "{\"project_id\":\"nope\",\"name\":\"q\",\"score_type\":\"slider\"}")
                .error(404))
        .isEqualTo("project 'nope' not found");
    assertThat(http.get("/v1/project_score?score_type=slider").error(400))
        .isEqualTo("unknown query parameter 'score_type' for GET /v1/project_score");
  }

  @Test
  void aProjectTagIsCreatedOnceAndListedByProject(BraintrustTestServer server) {
    String pid = server.createProject("tags");
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res created =
        http.post(
            "/v1/project_tag",
            "{\"project_id\":\"" + pid + "\",\"name\":\"prod\",\"color\":\"#ff0000\"}");
    JdkHttp.Res again =
        http.post("/v1/project_tag", "{\"project_id\":\"" + pid + "\",\"name\":\"prod\"}");
    http.post("/v1/project_tag", "{\"project_id\":\"" + pid + "\",\"name\":\"dev\"}");

    assertThat(created.get("color")).isEqualTo("#ff0000");
    assertThat(created.json().get("description").isNull()).isTrue();
    assertThat(again.get("id")).isEqualTo(created.get("id"));
    assertThat(http.get("/v1/project_tag?project_id=" + pid).each("name"))
        .containsExactly("prod", "dev");
    assertThat(http.get("/v1/project_tag?project_name=tags&project_tag_name=dev").each("name"))
        .containsExactly("dev");
    assertThat(http.post("/v1/project_tag", "{\"project_id\":\"" + pid + "\"}").error(400))
        .isEqualTo("'name' is required");
    assertThat(
            http.post(
                    "/v1/project_tag",
                    "{\"project_id\":\"" + pid + "\",\"name\":\"x\",\"color\":1}")
                .error(400))
        .isEqualTo("'color' must be a string");
    assertThat(http.get("/v1/project_tag/" + created.get("id")).status()).isEqualTo(404);
    assertThat(http.post("/v1/project_tag", "{\"project_id\":\"nope\",\"name\":\"x\"}").error(404))
        .isEqualTo("project 'nope' not found");
    assertThat(http.get("/v1/project_tag?color=red").error(400))
        .isEqualTo("unknown query parameter 'color' for GET /v1/project_tag");
  }

  @Test
  void viewsAreListedByTheObjectTheyView(BraintrustTestServer server) {
    String pid = server.createProject("views");
    String eid = server.createExperiment(pid, "e");
    String v1 = server.createView("experiment", eid, "failures");
    String v2 = server.createView("project", pid, "overview");
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res byExperiment = http.get("/v1/view?object_type=experiment&object_id=" + eid);

    assertThat(byExperiment.each("id")).containsExactly(v1);
    assertThat(byExperiment.json().get("objects").get(0).get("name").asText())
        .isEqualTo("failures");
    assertThat(byExperiment.json().get("objects").get(0).get("view_data").isNull()).isTrue();
    assertThat(http.get("/v1/view?object_type=project").each("id")).containsExactly(v2);
    assertThat(http.get("/v1/view?view_name=overview").each("id")).containsExactly(v2);
    assertThat(server.createView("experiment", eid, "failures")).isEqualTo(v1);
    assertThat(http.get("/v1/view?object=" + eid).error(400))
        .isEqualTo("unknown query parameter 'object' for GET /v1/view");
  }
}

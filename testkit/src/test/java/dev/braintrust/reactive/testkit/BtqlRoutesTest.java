package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /btql} with SQL text and with the JSON AST, as the API guides use it. */
@ExtendWith(BraintrustTestServerExtension.class)
class BtqlRoutesTest {

  private static String rows(int n) {
    List<String> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add("{\"id\":\"r" + i + "\",\"input\":" + i + ",\"metadata\":{\"k\":\"v" + i + "\"}}");
    }
    return "{\"events\":[" + String.join(",", events) + "]}";
  }

  private static String sql(String query) {
    return "{\"query\":" + JdkHttp.MAPPER.valueToTree(query) + ",\"fmt\":\"json\"}";
  }

  private static List<String> ids(JsonNode data) {
    List<String> out = new ArrayList<>();
    data.forEach(r -> out.add(r.get("id").asText()));
    return out;
  }

  @Test
  void selectStarFromADatasetAnswersItsRowsAndACursor(BraintrustTestServer server) {
    String did = server.createDataset(server.createProject("btql-star"), "d");
    JdkHttp http = new JdkHttp(server);
    http.post("/v1/dataset/" + did + "/insert", rows(3));

    JdkHttp.Res r = http.post("/btql", sql("SELECT * FROM dataset('" + did + "')"));
    JdkHttp.Res after =
        http.post(
            "/btql",
            "{\"query\":\"select * from dataset('%s')\",\"cursor\":\"%s\"}"
                .formatted(did, r.header("x-bt-cursor")));

    assertThat(ids(r.json().get("data"))).containsExactly("r2", "r1", "r0");
    assertThat(r.json().get("data").get(0).get("metadata").get("k").asText()).isEqualTo("v2");
    assertThat(r.header("x-bt-cursor")).isNotBlank().isEqualTo(r.get("cursor"));
    assertThat(after.json().get("data")).isEmpty();
    assertThat(after.header("x-bt-cursor")).isNull();
    assertThat(after.json().get("cursor").isNull()).isTrue();
  }

  @Test
  void theGuidesJsonlLoopReadsEveryRowOnceAndStopsAtAnEmptyPage(BraintrustTestServer server) {
    String did = server.createDataset(server.createProject("btql-pages"), "d");
    JdkHttp http = new JdkHttp(server);
    http.post("/v1/dataset/" + did + "/insert", rows(5));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int requests = 0;
    while (true) {
      String body =
          ("{\"query\":{\"from\":{\"op\":\"function\",\"name\":{\"op\":\"ident\",\"name\":[\"dataset\"]},"
                  + "\"args\":[{\"op\":\"literal\",\"value\":\"%s\"}]},\"select\":[{\"op\":\"star\"}],"
                  + "\"limit\":2,\"cursor\":%s},\"fmt\":\"jsonl\"}")
              .formatted(did, cursor == null ? "null" : "\"" + cursor + "\"");
      JdkHttp.Res page = http.post("/btql", body);
      requests++;
      assertThat(page.status()).as(page.text()).isEqualTo(200);
      assertThat(page.header("content-type")).isEqualTo("application/x-ndjson");
      cursor = page.header("x-bt-cursor");
      int count = 0;
      for (String line : page.text().split("\n")) {
        if (!line.isBlank()) {
          seen.add(JdkHttp.MAPPER.valueToTree(read(line)).get("id").asText());
          count++;
        }
      }
      if (count == 0) {
        break;
      }
    }

    assertThat(seen).containsExactly("r4", "r3", "r2", "r1", "r0");
    assertThat(requests).isEqualTo(4);
  }

  private static JsonNode read(String line) {
    try {
      return JdkHttp.MAPPER.readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError(line, e);
    }
  }

  @Test
  void aFieldListProjectsEachRowAndLimitCutsThePage(BraintrustTestServer server) {
    String pid = server.createProject("btql-fields");
    JdkHttp http = new JdkHttp(server);
    http.post("/v1/project_logs/" + pid + "/insert", rows(3));

    JdkHttp.Res r =
        http.post(
            "/btql",
            sql(
                "SELECT id, input, metadata.k AS key, scores.\"response quality\" FROM project_logs('"
                    + pid
                    + "', shape => 'traces') LIMIT 2"));
    JdkHttp.Res export =
        http.post("/btql", sql("SELECT * FROM project_logs(\"" + pid + "\") traces;"));
    JdkHttp.Res ast =
        http.post(
            "/btql",
            ("{\"query\":{\"from\":{\"op\":\"function\",\"name\":{\"op\":\"ident\",\"name\":[\"project_logs\"]},"
                    + "\"args\":[{\"op\":\"literal\",\"value\":\"%s\"}]},"
                    + "\"select\":[{\"alias\":\"k\",\"expr\":{\"op\":\"field\",\"name\":[\"metadata\",\"k\"]}}],\"limit\":1}}")
                .formatted(pid));

    JsonNode first = r.json().get("data").get(0);
    assertThat(r.json().get("data")).hasSize(2);
    List<String> fields = new ArrayList<>();
    first.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("id", "input", "key", "response quality");
    assertThat(first.get("id").asText()).isEqualTo("r2");
    assertThat(first.get("key").asText()).isEqualTo("v2");
    assertThat(first.get("response quality").isNull()).isTrue();
    assertThat(ids(export.json().get("data"))).containsExactly("r2", "r1", "r0");
    assertThat(ast.json().get("data")).hasSize(1);
    assertThat(ast.json().get("data").get(0).get("k").asText()).isEqualTo("v2");
  }

  @Test
  void versionReadsTheRowsAsTheyWere(BraintrustTestServer server) {
    String eid = server.createExperiment(server.createProject("btql-version"), "e");
    JdkHttp http = new JdkHttp(server);
    http.post("/v1/experiment/" + eid + "/insert", rows(1));
    String version = server.experimentRows(eid).get(0).get("_xact_id").asText();
    http.post("/v1/experiment/" + eid + "/insert", "{\"events\":[{\"id\":\"later\"}]}");

    JdkHttp.Res then =
        http.post(
            "/btql",
            "{\"query\":\"SELECT id FROM experiment('%s')\",\"version\":\"%s\"}"
                .formatted(eid, version));

    assertThat(ids(then.json().get("data"))).containsExactly("r0");
    assertThat(
            ids(
                http.post("/btql", sql("SELECT id FROM experiment('" + eid + "')"))
                    .json()
                    .get("data")))
        .containsExactly("later", "r0");
  }

  @Test
  void whatTheTestkitCannotParseIs400AndAnUnknownObjectIs404(BraintrustTestServer server) {
    String pid = server.createProject("btql-errors");
    JdkHttp http = new JdkHttp(server);

    assertThat(
            http.post(
                    "/btql",
                    sql("SELECT id FROM project_logs('" + pid + "') WHERE metadata.k = 'v1'"))
                .error(400))
        .startsWith("btql: WHERE is not supported; the testkit serves SELECT *");
    assertThat(
            http.post("/btql", sql("SELECT sum(x) AS total FROM experiment('" + pid + "')"))
                .error(400))
        .startsWith("btql: functions in SELECT (sum) are not supported");
    assertThat(http.post("/btql", sql("SELECT * FROM logs('" + pid + "')")).error(400))
        .startsWith("btql: unknown source 'logs'");
    assertThat(http.post("/btql", sql("SELECT * FROM dataset(" + pid + ")")).error(400))
        .startsWith("btql: the object id must be a quoted string");
    assertThat(http.post("/btql", sql("SELECT *")).error(400))
        .startsWith("btql: expected 'from' but the query ended");
    assertThat(
            http.post("/btql", sql("SELECT * FROM project_logs('" + pid + "', shape => 'summary')"))
                .error(400))
        .startsWith("btql: shape 'summary' is not supported");
    assertThat(
            http.post(
                    "/btql",
                    "{\"query\":{\"from\":{\"op\":\"ident\",\"name\":[\"dataset\"]},\"select\":[{\"op\":\"star\"}]}}")
                .error(400))
        .startsWith("btql: 'from' must be {op: function");
    assertThat(
            http.post(
                    "/btql",
                    ("{\"query\":{\"from\":{\"op\":\"function\",\"name\":{\"op\":\"ident\",\"name\":[\"dataset\"]},"
                        + "\"args\":[{\"op\":\"literal\",\"value\":\"x\"}]},\"select\":[{\"op\":\"star\"}],"
                        + "\"filter\":{\"op\":\"eq\"}}}"))
                .error(400))
        .startsWith("btql: 'filter' is not supported");
    assertThat(
            http.post(
                    "/btql",
                    "{\"query\":\"SELECT * FROM project_logs('" + pid + "')\",\"fmt\":\"parquet\"}")
                .error(400))
        .isEqualTo("'fmt' must be one of json, jsonl");
    assertThat(http.post("/btql", "{\"fmt\":\"json\"}").error(400))
        .isEqualTo("'query' is required");
    assertThat(http.post("/btql", "{\"query\":42}").error(400))
        .isEqualTo("'query' must be a string or an object");
    assertThat(http.post("/btql", sql("SELECT * FROM experiment('nope')")).error(404))
        .isEqualTo("experiment 'nope' not found");
    assertThat(
            http.post(
                    "/btql",
                    "{\"query\":\"SELECT * FROM project_logs('" + pid + "')\",\"cursor\":\"zz\"}")
                .error(400))
        .isEqualTo("invalid cursor 'zz'");
  }
}

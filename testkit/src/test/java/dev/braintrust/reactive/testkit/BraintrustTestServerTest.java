package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(BraintrustTestServerExtension.class)
class BraintrustTestServerTest {

  private static String insert(String... events) {
    return "{\"events\":[" + String.join(",", events) + "]}";
  }

  @Test
  void insertWithoutMergeReplacesTheRowWithTheSameId(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    http.post(
        "/v1/project_logs/" + pid + "/insert", insert("{\"id\":\"a\",\"input\":1,\"output\":2}"));
    RawHttp.Response r =
        http.post("/v1/project_logs/" + pid + "/insert", insert("{\"id\":\"a\",\"input\":3}"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("row_ids").get(0).asText()).isEqualTo("a");
    List<ObjectNode> rows = server.projectLogs(pid);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("input").asInt()).isEqualTo(3);
    assertThat(rows.get(0).has("output")).isFalse();
  }

  @Test
  void mergeDeepMergesObjectsAndReplacesOtherValues(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    http.post(
        "/v1/project_logs/" + pid + "/insert",
        insert(
            "{\"id\":\"a\",\"input\":\"q\",\"metadata\":{\"x\":{\"k1\":1},\"y\":1},\"tags\":[\"t1\"]}"));
    http.post(
        "/v1/project_logs/" + pid + "/insert",
        insert(
            "{\"id\":\"a\",\"_is_merge\":true,\"output\":\"o\",\"metadata\":{\"x\":{\"k2\":2}},\"tags\":[\"t2\"]}"));

    ObjectNode row = server.projectLogs(pid).get(0);
    assertThat(row.get("input").asText()).isEqualTo("q");
    assertThat(row.get("output").asText()).isEqualTo("o");
    assertThat(row.get("metadata").get("x").get("k1").asInt()).isEqualTo(1);
    assertThat(row.get("metadata").get("x").get("k2").asInt()).isEqualTo(2);
    assertThat(row.get("metadata").get("y").asInt()).isEqualTo(1);
    assertThat(row.get("tags")).hasSize(1);
    assertThat(row.get("tags").get(0).asText()).isEqualTo("t2");
    assertThat(row.has("_is_merge")).isFalse();
  }

  @Test
  void mergeIntoAMissingRowInsertsIt(BraintrustTestServer server) {
    String pid = server.createProject("p");
    new RawHttp(server)
        .post(
            "/v1/project_logs/" + pid + "/insert",
            insert("{\"id\":\"new\",\"_is_merge\":true,\"output\":5}"));
    assertThat(server.projectLogs(pid))
        .singleElement()
        .satisfies(r -> assertThat(r.get("output").asInt()).isEqualTo(5));
  }

  @Test
  void gzipBodiesAreDecodedAndRecordedDecoded(BraintrustTestServer server) {
    String pid = server.createProject("p");
    String body = insert("{\"id\":\"g\",\"input\":\"zipped\"}");
    RawHttp.Response r =
        new RawHttp(server)
            .send(
                HttpMethod.POST,
                "/v1/project_logs/" + pid + "/insert",
                RawHttp.gzip(body),
                Map.of("content-encoding", "gzip"),
                true);

    assertThat(r.status()).isEqualTo(200);
    assertThat(server.projectLogs(pid).get(0).get("input").asText()).isEqualTo("zipped");
    RecordedRequest rec = server.requests("/insert").get(0);
    assertThat(rec.bodyText()).isEqualTo(body);
    assertThat(rec.wireBytes()).isEqualTo(RawHttp.gzip(body).length);
  }

  @Test
  void gzipIsRefusedWith415WhenTheServerIsToldNotToAcceptIt() {
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().acceptGzip(false).build().start()) {
      String pid = server.createProject("p");
      RawHttp.Response r =
          new RawHttp(server)
              .send(
                  HttpMethod.POST,
                  "/v1/project_logs/" + pid + "/insert",
                  RawHttp.gzip(insert("{\"id\":\"g\"}")),
                  Map.of("content-encoding", "gzip"),
                  true);
      assertThat(r.status()).isEqualTo(415);
      assertThat(r.json().get("error").asText()).isEqualTo("unsupported Content-Encoding 'gzip'");
    }
  }

  @Test
  void malformedJsonIsRejectedWith400AndAJsonError(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp.Response r =
        new RawHttp(server).post("/v1/project_logs/" + pid + "/insert", "{\"events\":[{");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).startsWith("malformed JSON: ");
    assertThat(server.projectLogs(pid)).isEmpty();
  }

  @Test
  void anInvalidEventRejectsTheRequestNamingTheField(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp.Response r =
        new RawHttp(server)
            .post(
                "/v1/project_logs/" + pid + "/insert",
                insert("{\"id\":\"ok\"}", "{\"id\":\"bad\",\"scores\":{\"acc\":1.5}}"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText())
        .isEqualTo("events[1].scores.acc must be a number between 0 and 1 or null");
    assertThat(server.projectLogs(pid)).isEmpty();
  }

  @Test
  void missingOrWrongKeyIsRejectedWith401(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    byte[] body = insert("{\"id\":\"a\"}").getBytes(StandardCharsets.UTF_8);

    RawHttp.Response missing =
        http.send(HttpMethod.POST, "/v1/project_logs/" + pid + "/insert", body, Map.of(), false);
    RawHttp.Response wrong =
        http.send(
            HttpMethod.POST,
            "/v1/project_logs/" + pid + "/insert",
            body,
            Map.of("authorization", "Bearer nope"),
            false);

    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.json().get("error").asText())
        .isEqualTo("missing Authorization header; expected 'Bearer <API key>'");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().get("error").asText()).isEqualTo("invalid API key");
    assertThat(server.projectLogs(pid)).isEmpty();
  }

  @Test
  void fetchPagesThroughEveryRowByCursor(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    List<String> events = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      events.add("{\"id\":\"r" + i + "\",\"input\":" + i + "}");
    }
    http.post("/v1/project_logs/" + pid + "/insert", insert(events.toArray(String[]::new)));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String body =
          "{\"limit\":10" + (cursor == null ? "" : ",\"cursor\":\"" + cursor + "\"") + "}";
      JsonNode page = http.post("/v1/project_logs/" + pid + "/fetch", body).json();
      page.get("events").forEach(e -> seen.add(e.get("id").asText()));
      cursor = page.get("cursor").isNull() ? null : page.get("cursor").asText();
      pages++;
    } while (cursor != null);

    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(25).doesNotHaveDuplicates().contains("r0", "r24");
  }

  @Test
  void fetchBodyFieldsHaveTheSpecsTypes(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    String fetch = "/v1/project_logs/" + pid + "/fetch";

    RawHttp.Response textLimit = http.post(fetch, "{\"limit\":\"10\"}");
    RawHttp.Response objectFilters = http.post(fetch, "{\"filters\":{\"path\":[\"input\"]}}");

    assertThat(textLimit.status()).isEqualTo(400);
    assertThat(textLimit.json().get("error").asText()).isEqualTo("'limit' must be an integer");
    assertThat(objectFilters.status()).isEqualTo(400);
    assertThat(objectFilters.json().get("error").asText()).isEqualTo("'filters' must be an array");
    assertThat(http.post(fetch, "{\"limit\":5,\"filters\":[]}").status()).isEqualTo(200);
  }

  @Test
  void feedbackMergesScoresAndKeepsComments(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    http.post(
        "/v1/project_logs/" + pid + "/insert", insert("{\"id\":\"a\",\"scores\":{\"x\":0.1}}"));
    RawHttp.Response r =
        http.post(
            "/v1/project_logs/" + pid + "/feedback",
            "{\"feedback\":[{\"id\":\"a\",\"scores\":{\"y\":0.9},\"comment\":\"good\",\"source\":\"api\"}]}");

    assertThat(r.status()).isEqualTo(200);
    ObjectNode row = server.projectLogs(pid).get(0);
    assertThat(row.get("scores").get("x").asDouble()).isEqualTo(0.1);
    assertThat(row.get("scores").get("y").asDouble()).isEqualTo(0.9);
    assertThat(row.get("comments").get(0).asText()).isEqualTo("good");
    assertThat(server.feedback("project_logs", pid)).hasSize(1);
  }

  @Test
  void projectCreateIsCreateOrGetByName(BraintrustTestServer server) {
    RawHttp http = new RawHttp(server);
    String a = http.post("/v1/project", "{\"name\":\"same\"}").json().get("id").asText();
    String b = http.post("/v1/project", "{\"name\":\"same\"}").json().get("id").asText();
    String e1 =
        http.post("/v1/experiment", "{\"name\":\"e\",\"project_id\":\"" + a + "\"}")
            .json()
            .get("id")
            .asText();
    String e2 =
        http.post("/v1/experiment", "{\"name\":\"e\",\"project_id\":\"" + a + "\"}")
            .json()
            .get("id")
            .asText();
    assertThat(a).isEqualTo(b);
    assertThat(e1).isEqualTo(e2);
    assertThat(http.get("/v1/project?project_name=same").json().get("objects")).hasSize(1);
  }

  @Test
  void listPagesByLimitAndStartingAfterOrEndingBefore(BraintrustTestServer server) {
    RawHttp http = new RawHttp(server);
    String pid = server.createProject("listing");
    String list = "/v1/experiment?project_id=" + pid + "&limit=2";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(
          http.post("/v1/experiment", "{\"name\":\"e" + i + "\",\"project_id\":\"" + pid + "\"}")
              .json()
              .get("id")
              .asText());
    }

    assertThat(names(http.get(list).json())).containsExactly("e0", "e1");
    assertThat(names(http.get(list + "&starting_after=" + ids.get(1)).json()))
        .containsExactly("e2", "e3");
    assertThat(names(http.get(list + "&starting_after=" + ids.get(3)).json()))
        .containsExactly("e4");
    assertThat(names(http.get(list + "&ending_before=" + ids.get(3)).json()))
        .containsExactly("e1", "e2");
    assertThat(
            names(
                http.get("/v1/experiment?project_id=" + pid + "&starting_after=" + ids.get(2))
                    .json()))
        .containsExactly("e3", "e4");
    RawHttp.Response bad = http.get("/v1/project?limit=-1");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("error").asText())
        .isEqualTo("'limit' must be a non-negative integer, got '-1'");
    RawHttp.Response unknown = http.get("/v1/project?starting_after=nope");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("error").asText())
        .isEqualTo("pagination cursor 'nope' is not an object in this list");
  }

  private static List<String> names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.get("objects").forEach(o -> out.add(o.get("name").asText()));
    return out;
  }

  @Test
  void insertIntoAnUnknownObjectIs404(BraintrustTestServer server) {
    RawHttp.Response r =
        new RawHttp(server).post("/v1/experiment/nope/insert", insert("{\"id\":\"a\"}"));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).isEqualTo("experiment 'nope' not found");
  }

  @Test
  void queuedFaultsAnswerTheNextRequestsThenTheServerRecovers(BraintrustTestServer server) {
    String pid = server.createProject("p");
    server.faults().enqueue(Fault.rateLimited(1), Fault.status(500));
    RawHttp http = new RawHttp(server);
    String path = "/v1/project_logs/" + pid + "/insert";

    RawHttp.Response first = http.post(path, insert("{\"id\":\"a\"}"));
    RawHttp.Response second = http.post(path, insert("{\"id\":\"a\"}"));
    RawHttp.Response third = http.post(path, insert("{\"id\":\"a\"}"));

    assertThat(first.status()).isEqualTo(429);
    assertThat(first.headers().get("retry-after")).isEqualTo("1");
    assertThat(second.status()).isEqualTo(500);
    assertThat(third.status()).isEqualTo(200);
    assertThat(server.projectLogs(pid)).hasSize(1);
    assertThat(server.requests(path))
        .extracting(RecordedRequest::status)
        .containsExactly(429, 500, 200);
  }

  @Test
  void persistsEveryStoredRowToJsonl(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rows.jsonl");
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().persistTo(file).build().start()) {
      String pid = server.createProject("p");
      new RawHttp(server)
          .post("/v1/project_logs/" + pid + "/insert", insert("{\"id\":\"a\"}", "{\"id\":\"b\"}"));
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    JsonNode first = RawHttp.MAPPER.readTree(lines.get(0));
    assertThat(first.get("object").asText()).startsWith("project_logs/");
    assertThat(first.get("row").get("id").asText()).isEqualTo("a");
  }
}

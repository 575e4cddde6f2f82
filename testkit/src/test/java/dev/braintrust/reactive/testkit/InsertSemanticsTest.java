package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The InsertEvent control fields: {@code _object_delete}, {@code _merge_paths}, and what insert
 * validates.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class InsertSemanticsTest {

  private static String insert(String... events) {
    return "{\"events\":[" + String.join(",", events) + "]}";
  }

  private static List<String> ids(JsonNode events) {
    List<String> out = new ArrayList<>();
    events.forEach(e -> out.add(e.get("id").asText()));
    return out;
  }

  @Test
  void objectDeleteRemovesTheRowFromFetchAndFromEveryRowAccessor(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    String path = "/v1/project_logs/" + pid;
    http.post(
        path + "/insert", insert("{\"id\":\"keep\",\"input\":1}", "{\"id\":\"gone\",\"input\":2}"));

    RawHttp.Response r =
        http.post(path + "/insert", insert("{\"id\":\"gone\",\"_object_delete\":true}"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("row_ids")).extracting(JsonNode::asText).containsExactly("gone");
    assertThat(ids(http.post(path + "/fetch", "{}").json().get("events"))).containsExactly("keep");
    assertThat(ids(http.get(path + "/fetch").json().get("events"))).containsExactly("keep");
    assertThat(server.projectLogs(pid))
        .extracting(row -> row.get("id").asText())
        .containsExactly("keep");
    assertThat(server.allRows()).extracting(row -> row.get("id").asText()).containsExactly("keep");
    assertThat(server.rowIds("project_logs", pid)).containsExactly("keep");
  }

  @Test
  void anInsertAfterADeleteBringsTheRowBackWithOnlyTheNewFields(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    String path = "/v1/project_logs/" + pid + "/insert";
    http.post(path, insert("{\"id\":\"a\",\"input\":1,\"output\":1}"));
    http.post(path, insert("{\"id\":\"a\",\"_object_delete\":true}"));
    http.post(path, insert("{\"id\":\"a\",\"_is_merge\":true,\"input\":2}"));

    assertThat(server.projectLogs(pid))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("input").asInt()).isEqualTo(2);
              assertThat(row.has("output")).isFalse();
              assertThat(row.has("_object_delete")).isFalse();
            });
  }

  @Test
  void objectDeleteForgetsTheIdWhenRowsAreNotRetained() {
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().retainRows(false).build().start()) {
      String pid = server.createProject("p");
      RawHttp http = new RawHttp(server);
      String path = "/v1/project_logs/" + pid + "/insert";
      http.post(path, insert("{\"id\":\"keep\"}", "{\"id\":\"gone\"}"));
      http.post(path, insert("{\"id\":\"gone\",\"_object_delete\":true}"));

      assertThat(server.rowIds("project_logs", pid)).containsExactly("keep");
    }
  }

  @Test
  void aDeleteIsPersistedAsATombstoneLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rows.jsonl");
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().persistTo(file).build().start()) {
      String pid = server.createProject("p");
      RawHttp http = new RawHttp(server);
      http.post("/v1/project_logs/" + pid + "/insert", insert("{\"id\":\"a\",\"input\":1}"));
      http.post(
          "/v1/project_logs/" + pid + "/insert", insert("{\"id\":\"a\",\"_object_delete\":true}"));
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    JsonNode tombstone = RawHttp.MAPPER.readTree(lines.get(1)).get("row");
    assertThat(tombstone.get("id").asText()).isEqualTo("a");
    assertThat(tombstone.get("_object_delete").asBoolean()).isTrue();
    assertThat(tombstone.has("input")).isFalse();
  }

  @Test
  void mergePathsReplaceTheValuesAtThosePathsAndDeepMergeTheRest(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    String path = "/v1/project_logs/" + pid + "/insert";
    http.post(
        path,
        insert(
            "{\"id\":\"foo\",\"input\":{\"a\":{\"b\":10},\"c\":{\"d\":20}},\"output\":{\"a\":20},\"metadata\":{\"m\":{\"x\":1}}}"));

    RawHttp.Response r =
        http.post(
            path,
            insert(
                "{\"id\":\"foo\",\"_is_merge\":true,"
                    + "\"_merge_paths\":[[\"input\",\"a\"],[\"output\"]],"
                    + "\"input\":{\"a\":{\"q\":30},\"c\":{\"e\":30},\"bar\":\"baz\"},\"output\":{\"d\":40},"
                    + "\"metadata\":{\"m\":{\"y\":2}}}"));

    assertThat(r.status()).isEqualTo(200);
    ObjectNode row = server.projectLogs(pid).get(0);
    assertThat(row.get("input"))
        .isEqualTo(
            RawHttp.MAPPER
                .createObjectNode()
                .<ObjectNode>set("a", RawHttp.MAPPER.createObjectNode().put("q", 30))
                .<ObjectNode>set("c", RawHttp.MAPPER.createObjectNode().put("d", 20).put("e", 30))
                .put("bar", "baz"));
    assertThat(row.get("output")).isEqualTo(RawHttp.MAPPER.createObjectNode().put("d", 40));
    assertThat(row.get("metadata").get("m"))
        .isEqualTo(RawHttp.MAPPER.createObjectNode().put("x", 1).put("y", 2));
    assertThat(row.has("_merge_paths")).isFalse();
  }

  @Test
  void malformedMergePathsOrDeleteFlagsAreRejected(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    String path = "/v1/project_logs/" + pid + "/insert";

    RawHttp.Response flatPaths =
        http.post(path, insert("{\"id\":\"a\",\"_is_merge\":true,\"_merge_paths\":[\"input\"]}"));
    RawHttp.Response stringFlag =
        http.post(path, insert("{\"id\":\"a\",\"_object_delete\":\"yes\"}"));

    assertThat(flatPaths.status()).isEqualTo(400);
    assertThat(flatPaths.json().get("error").asText())
        .isEqualTo(
            "events[0]._merge_paths must be an array of paths, each a non-empty array of strings");
    assertThat(stringFlag.status()).isEqualTo(400);
    assertThat(stringFlag.json().get("error").asText())
        .isEqualTo("events[0]._object_delete must be a boolean");
    assertThat(server.projectLogs(pid)).isEmpty();
  }

  @Test
  void metricsTakeAnyJsonValueButMustBeAnObject(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    String path = "/v1/project_logs/" + pid + "/insert";

    RawHttp.Response anyValues =
        http.post(
            path,
            insert(
                "{\"id\":\"a\",\"metrics\":{\"tokens\":5,"
                    + "\"model\":\"gpt\",\"cached\":true,\"detail\":{\"x\":1},\"steps\":[1,2],\"none\":null}}"));
    RawHttp.Response notAnObject = http.post(path, insert("{\"id\":\"b\",\"metrics\":5}"));

    assertThat(anyValues.status()).isEqualTo(200);
    JsonNode metrics = server.projectLogs(pid).get(0).get("metrics");
    assertThat(metrics.get("model").asText()).isEqualTo("gpt");
    assertThat(metrics.get("detail").get("x").asInt()).isEqualTo(1);
    assertThat(notAnObject.status()).isEqualTo(400);
    assertThat(notAnObject.json().get("error").asText())
        .isEqualTo("events[0].metrics must be an object");
  }

  @Test
  void scoresStayNumbersBetweenZeroAndOneOrNull(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);
    String path = "/v1/project_logs/" + pid + "/insert";

    RawHttp.Response ok =
        http.post(path, insert("{\"id\":\"a\",\"scores\":{\"x\":0,\"y\":1,\"z\":null}}"));
    RawHttp.Response text = http.post(path, insert("{\"id\":\"b\",\"scores\":{\"x\":\"high\"}}"));
    RawHttp.Response negative = http.post(path, insert("{\"id\":\"c\",\"scores\":{\"x\":-0.1}}"));

    assertThat(ok.status()).isEqualTo(200);
    assertThat(text.status()).isEqualTo(400);
    assertThat(text.json().get("error").asText())
        .isEqualTo("events[0].scores.x must be a number between 0 and 1 or null");
    assertThat(negative.status()).isEqualTo(400);
    assertThat(server.rowIds("project_logs", pid)).containsExactly("a");
  }
}

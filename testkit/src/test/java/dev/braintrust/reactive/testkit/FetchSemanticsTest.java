package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fetch in both forms: latest rows first with their {@code _xact_id}, {@code version} snapshots,
 * {@code max_xact_id}/{@code max_root_span_id} and cursor paging; and {@code _parent_id} inserts.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class FetchSemanticsTest {

  private static String insert(String... events) {
    return "{\"events\":[" + String.join(",", events) + "]}";
  }

  private static List<String> ids(JdkHttp.Res fetch) {
    assertThat(fetch.status()).as(fetch.text()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    fetch.json().get("events").forEach(e -> out.add(e.get("id").asText()));
    return out;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void rowsComeLatestFirstAndEachInsertIsOneTransaction(BraintrustTestServer server) {
    String pid = server.createProject("order");
    JdkHttp http = new JdkHttp(server);
    String logs = "/v1/project_logs/" + pid;
    http.post(logs + "/insert", insert("{\"id\":\"a\"}", "{\"id\":\"b\"}"));
    http.post(logs + "/insert", insert("{\"id\":\"c\"}"));

    JsonNode events = http.post(logs + "/fetch", "{}").json().get("events");

    assertThat(ids(http.get(logs + "/fetch"))).containsExactly("c", "b", "a");
    String first = events.get(2).get("_xact_id").asText();
    String second = events.get(0).get("_xact_id").asText();
    assertThat(events.get(1).get("_xact_id").asText()).isEqualTo(first);
    assertThat(first).hasSize(19).containsOnlyDigits();
    assertThat(Long.parseLong(second)).isGreaterThan(Long.parseLong(first));
    assertThat(server.projectLogs(pid))
        .extracting(r -> r.get("id").asText())
        .containsExactly("a", "b", "c");
  }

  @Test
  void versionReadsTheRowsAsTheyWereAfterThatTransaction(BraintrustTestServer server) {
    String pid = server.createProject("p");
    String did = server.createDataset(pid, "versions");
    JdkHttp http = new JdkHttp(server);
    String ds = "/v1/dataset/" + did;
    http.post(ds + "/insert", insert("{\"id\":\"a\",\"input\":1}", "{\"id\":\"b\",\"input\":1}"));
    String v1 = server.datasetRows(did).get(0).get("_xact_id").asText();
    http.post(ds + "/insert", insert("{\"id\":\"a\",\"_is_merge\":true,\"input\":2}"));
    http.post(ds + "/insert", insert("{\"id\":\"b\",\"_object_delete\":true}", "{\"id\":\"c\"}"));

    JdkHttp.Res then = http.post(ds + "/fetch", "{\"version\":\"" + v1 + "\"}");
    JdkHttp.Res thenByGet = http.get(ds + "/fetch?version=" + v1);
    JdkHttp.Res now = http.post(ds + "/fetch", "{}");

    assertThat(ids(then)).containsExactlyInAnyOrder("a", "b");
    assertThat(then.json().get("events").findValuesAsText("input")).containsOnly("1");
    assertThat(ids(thenByGet)).containsExactlyInAnyOrder("a", "b");
    assertThat(ids(now)).containsExactly("c", "a");
    assertThat(now.json().get("events").get(1).get("input").asInt()).isEqualTo(2);
    assertThat(http.post(ds + "/fetch", "{\"version\":\"latest\"}").error(400))
        .isEqualTo("'version' must be a transaction id (a string of digits), got 'latest'");
    assertThat(http.post(ds + "/fetch", "{\"version\":5}").error(400))
        .isEqualTo("'version' must be a string");
  }

  @Test
  void maxXactIdAndMaxRootSpanIdBoundThePageFromAbove(BraintrustTestServer server) {
    String pid = server.createProject("p");
    String eid = server.createExperiment(pid, "bounded");
    JdkHttp http = new JdkHttp(server);
    String exp = "/v1/experiment/" + eid;
    http.post(exp + "/insert", insert("{\"id\":\"a\",\"root_span_id\":\"r1\"}"));
    http.post(
        exp + "/insert",
        insert("{\"id\":\"b\",\"root_span_id\":\"r1\"}", "{\"id\":\"c\",\"root_span_id\":\"r2\"}"));
    JsonNode first = http.post(exp + "/fetch", "{\"limit\":1}").json().get("events").get(0);

    String below =
        "\"max_xact_id\":\"%s\",\"max_root_span_id\":\"%s\""
            .formatted(first.get("_xact_id").asText(), first.get("root_span_id").asText());
    JdkHttp.Res next = http.post(exp + "/fetch", "{" + below + "}");
    JdkHttp.Res nextByGet =
        http.get(
            exp + "/fetch?max_xact_id=" + first.get("_xact_id").asText() + "&max_root_span_id=r2");

    assertThat(first.get("id").asText()).isEqualTo("c");
    assertThat(ids(next)).containsExactly("b", "a");
    assertThat(ids(nextByGet)).containsExactly("b", "a");
    assertThat(http.post(exp + "/fetch", "{\"max_xact_id\":\"1\"}").error(400))
        .isEqualTo("'max_xact_id' and 'max_root_span_id' must be given together");
  }

  @Test
  void theCursorPagesASnapshotSoLaterInsertsNeverShiftPages(BraintrustTestServer server) {
    String pid = server.createProject("cursor");
    JdkHttp http = new JdkHttp(server);
    String logs = "/v1/project_logs/" + pid;
    List<String> events = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      events.add("{\"id\":\"r" + i + "\"}");
    }
    http.post(logs + "/insert", insert(events.toArray(String[]::new)));

    JdkHttp.Res page1 = http.get(logs + "/fetch?limit=2");
    http.post(logs + "/insert", insert("{\"id\":\"late\"}"));
    JdkHttp.Res page2 = http.get(logs + "/fetch?limit=2&cursor=" + page1.get("cursor"));
    JdkHttp.Res page3 =
        http.post(logs + "/fetch", "{\"limit\":2,\"cursor\":\"" + page2.get("cursor") + "\"}");

    assertThat(ids(page1)).containsExactly("r4", "r3");
    assertThat(ids(page2)).containsExactly("r2", "r1");
    assertThat(ids(page3)).containsExactly("r0");
    assertThat(page3.json().get("cursor").isNull()).isTrue();
    assertThat(ids(http.get(logs + "/fetch?limit=1"))).containsExactly("late");
    assertThat(http.get(logs + "/fetch?cursor=bogus").error(400))
        .isEqualTo("invalid cursor 'bogus'");
  }

  @Test
  void aPageNeverSplitsATraceWrittenInOneTransaction(BraintrustTestServer server) {
    String pid = server.createProject("traces");
    JdkHttp http = new JdkHttp(server);
    String logs = "/v1/project_logs/" + pid;
    http.post(
        logs + "/insert",
        insert(
            "{\"id\":\"t1\",\"root_span_id\":\"t\"}",
            "{\"id\":\"t2\",\"root_span_id\":\"t\"}",
            "{\"id\":\"t3\",\"root_span_id\":\"t\"}",
            "{\"id\":\"x\"}"));

    JdkHttp.Res two = http.post(logs + "/fetch", "{\"limit\":2}");
    JdkHttp.Res one = http.post(logs + "/fetch", "{\"limit\":1}");
    JdkHttp.Res rest =
        http.post(logs + "/fetch", "{\"limit\":1,\"cursor\":\"" + one.get("cursor") + "\"}");

    assertThat(ids(two)).containsExactly("x", "t3", "t2", "t1");
    assertThat(two.json().get("cursor").isNull()).isTrue();
    assertThat(ids(one)).containsExactly("x");
    assertThat(ids(rest)).containsExactly("t3", "t2", "t1");
    assertThat(rest.json().get("cursor").isNull()).isTrue();
  }

  @Test
  void getFetchTakesOnlyItsParametersAndFiltersAsJson(BraintrustTestServer server) {
    String pid = server.createProject("filters");
    JdkHttp http = new JdkHttp(server);
    String logs = "/v1/project_logs/" + pid;
    http.post(
        logs + "/insert",
        insert("{\"id\":\"a\",\"metadata\":{\"k\":1}}", "{\"id\":\"b\",\"metadata\":{\"k\":2}}"));
    String filter = "[{\"type\":\"path_lookup\",\"path\":[\"metadata\",\"k\"],\"value\":2}]";

    assertThat(ids(http.get(logs + "/fetch?filters=" + enc(filter)))).containsExactly("b");
    assertThat(ids(http.post(logs + "/fetch", "{\"filters\":" + filter + "}")))
        .containsExactly("b");
    assertThat(http.get(logs + "/fetch?order=asc").error(400))
        .isEqualTo("unknown query parameter 'order' for GET " + logs + "/fetch");
    assertThat(http.get(logs + "/fetch?limit=-1").error(400))
        .isEqualTo("'limit' must be a non-negative integer, got '-1'");
    assertThat(http.get(logs + "/fetch?filters=" + enc("{}")).error(400))
        .isEqualTo("'filters' must be a JSON array of path-lookup filters");
    assertThat(
            http.post(
                    logs + "/fetch",
                    "{\"filters\":[{\"type\":\"sql\",\"path\":[\"a\"],\"value\":1}]}")
                .error(400))
        .isEqualTo("'filters[0].type' must be one of path_lookup");
    assertThat(
            http.post(logs + "/fetch", "{\"filters\":[{\"type\":\"path_lookup\",\"value\":1}]}")
                .error(400))
        .isEqualTo("'filters[0].path' must be a non-empty array of strings");
    assertThat(ids(http.post(logs + "/fetch", "{\"limit\":0}"))).isEmpty();
    assertThat(http.get("/v1/project_logs/nope/fetch").error(404))
        .isEqualTo("project 'nope' not found");
  }

  @Test
  void parentIdMakesTheRowAChildSpanOfAnExistingRow(BraintrustTestServer server) {
    String pid = server.createProject("parents");
    JdkHttp http = new JdkHttp(server);
    String path = "/v1/project_logs/" + pid + "/insert";
    http.post(path, insert("{\"id\":\"root\",\"span_id\":\"s0\",\"root_span_id\":\"trace\"}"));

    JdkHttp.Res r =
        http.post(
            path,
            insert(
                "{\"id\":\"child\",\"_parent_id\":\"root\",\"input\":1}",
                "{\"id\":\"grandchild\",\"_parent_id\":\"child\"}"));

    assertThat(r.status()).isEqualTo(200);
    JsonNode child = row(server, pid, "child");
    assertThat(child.get("root_span_id").asText()).isEqualTo("trace");
    assertThat(child.get("span_parents")).extracting(JsonNode::asText).containsExactly("s0");
    assertThat(child.has("_parent_id")).isFalse();
    JsonNode grandchild = row(server, pid, "grandchild");
    assertThat(grandchild.get("root_span_id").asText()).isEqualTo("trace");
    assertThat(grandchild.get("span_parents"))
        .extracting(JsonNode::asText)
        .containsExactly("child");
  }

  @Test
  void parentIdIsIgnoredWhenMergingIntoAnExistingRow(BraintrustTestServer server) {
    String pid = server.createProject("merge-parent");
    JdkHttp http = new JdkHttp(server);
    String path = "/v1/project_logs/" + pid + "/insert";
    http.post(path, insert("{\"id\":\"p\"}", "{\"id\":\"a\",\"input\":1}"));

    http.post(path, insert("{\"id\":\"a\",\"_is_merge\":true,\"_parent_id\":\"p\",\"output\":2}"));

    JsonNode a = row(server, pid, "a");
    assertThat(a.has("span_parents")).isFalse();
    assertThat(a.get("output").asInt()).isEqualTo(2);
  }

  @Test
  void anUnknownOrConflictingParentIdIsRejectedAndNothingIsStored(BraintrustTestServer server) {
    String pid = server.createProject("bad-parent");
    JdkHttp http = new JdkHttp(server);
    String path = "/v1/project_logs/" + pid + "/insert";

    assertThat(
            http.post(path, insert("{\"id\":\"a\"}", "{\"id\":\"b\",\"_parent_id\":\"x\"}"))
                .error(400))
        .isEqualTo("events[1]._parent_id 'x' is not a row of this object");
    assertThat(
            http.post(
                    path,
                    insert(
                        "{\"id\":\"a\"}",
                        "{\"id\":\"b\",\"_parent_id\":\"a\",\"span_parents\":[\"a\"]}"))
                .error(400))
        .isEqualTo("events[1]._parent_id can't be combined with span_parents or root_span_id");
    assertThat(http.post(path, insert("{\"id\":\"b\",\"_parent_id\":7}")).error(400))
        .isEqualTo("events[0]._parent_id must be a non-empty string");
    assertThat(server.projectLogs(pid)).isEmpty();
  }

  @Test
  void feedbackIsANewTransactionOnTheRow(BraintrustTestServer server) {
    String pid = server.createProject("feedback-xact");
    JdkHttp http = new JdkHttp(server);
    String logs = "/v1/project_logs/" + pid;
    http.post(logs + "/insert", insert("{\"id\":\"a\"}"));
    String before = server.projectLogs(pid).get(0).get("_xact_id").asText();

    http.post(logs + "/feedback", "{\"feedback\":[{\"id\":\"a\",\"scores\":{\"s\":1}}]}");

    JsonNode after = http.get(logs + "/fetch").json().get("events").get(0);
    assertThat(Long.parseLong(after.get("_xact_id").asText()))
        .isGreaterThan(Long.parseLong(before));
    assertThat(after.get("scores").get("s").asInt()).isEqualTo(1);
    assertThat(
            http.get(logs + "/fetch?version=" + before).json().get("events").get(0).has("scores"))
        .isFalse();
  }

  private static JsonNode row(BraintrustTestServer server, String pid, String id) {
    return server.projectLogs(pid).stream()
        .filter(r -> r.get("id").asText().equals(id))
        .findFirst()
        .orElseThrow();
  }
}

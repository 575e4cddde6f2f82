package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /v1/function} as the spec defines it: CRUD by id, lists by filter, invoke by id. */
@ExtendWith(BraintrustTestServerExtension.class)
class FunctionRoutesTest {

  private static String function(String projectId, String slug, String name) {
    return "{\"project_id\":\""
        + projectId
        + "\",\"slug\":\""
        + slug
        + "\",\"name\":\""
        + name
        + "\",\"function_data\":{\"type\":\"prompt\"}}";
  }

  private static List<String> slugs(RawHttp.Response list) {
    assertThat(list.status()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    list.json().get("objects").forEach(o -> out.add(o.get("slug").asText()));
    return out;
  }

  @Test
  void createNeedsProjectIdNameSlugAndFunctionData(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);

    assertThat(
            error(
                http.post("/v1/function", "{\"name\":\"n\",\"slug\":\"s\",\"function_data\":{}}")))
        .isEqualTo("'project_id' is required");
    assertThat(
            error(
                http.post(
                    "/v1/function",
                    "{\"project_id\":\"" + pid + "\",\"slug\":\"s\",\"function_data\":{}}")))
        .isEqualTo("'name' is required");
    assertThat(
            error(
                http.post(
                    "/v1/function",
                    "{\"project_id\":\"" + pid + "\",\"name\":\"n\",\"function_data\":{}}")))
        .isEqualTo("'slug' is required");
    assertThat(
            error(
                http.post(
                    "/v1/function",
                    "{\"project_id\":\"" + pid + "\",\"name\":\"n\",\"slug\":\"s\"}")))
        .isEqualTo("'function_data' is required");
    assertThat(
            error(
                http.post(
                    "/v1/function",
                    "{\"project_id\":\""
                        + pid
                        + "\",\"name\":\"n\",\"slug\":\"s\",\"function_data\":{},\"function_type\":\"magic\"}")))
        .isEqualTo("'function_type' must be one of llm, scorer, task, tool");
    assertThat(http.post("/v1/function", function("nope", "s", "n")).status()).isEqualTo(404);
  }

  @Test
  void listsAndReadsTakeTheRealApisProjectNameAndVersion(BraintrustTestServer server) {
    String fid = server.createFunction("by-name", "echo");
    server.createFunction("other", "echo");
    RawHttp http = new RawHttp(server);

    assertThat(slugs(http.get("/v1/function?slug=echo&project_name=by-name&version=12345")))
        .containsExactly("echo");
    assertThat(http.get("/v1/function?slug=echo&project_name=by-name").json().get("objects"))
        .singleElement()
        .satisfies(f -> assertThat(f.get("id").asText()).isEqualTo(fid));
    assertThat(http.get("/v1/function/" + fid + "?version=12345").json().get("id").asText())
        .isEqualTo(fid);
    assertThat(error(http.get("/v1/function?version=latest")))
        .isEqualTo("'version' must be a transaction id, got 'latest'");
    assertThat(error(http.get("/v1/function/" + fid + "?colour=red"))).contains("colour");
  }

  private static String error(RawHttp.Response r) {
    assertThat(r.status()).isEqualTo(400);
    return r.json().get("error").asText();
  }

  @Test
  void theOldInvokeBySlugBodyIsNotACreateAndInvokesNothing(BraintrustTestServer server) {
    server.createProject("legacy");
    RawHttp http = new RawHttp(server);

    RawHttp.Response r =
        http.post(
            "/v1/function",
            "{\"project_name\":\"legacy\",\"slug\":\"summarizer\",\"input\":\"x\"}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("'project_id' is required");
    assertThat(slugs(http.get("/v1/function?project_name=legacy"))).isEmpty();
  }

  @Test
  void createIsCreateOrGetByProjectAndSlug(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);

    JsonNode first = http.post("/v1/function", function(pid, "s", "first")).json();
    JsonNode second = http.post("/v1/function", function(pid, "s", "second")).json();

    assertThat(second.get("id")).isEqualTo(first.get("id"));
    assertThat(second.get("name").asText()).isEqualTo("first");
    assertThat(first.get("project_id").asText()).isEqualTo(pid);
    assertThat(first.get("slug").asText()).isEqualTo("s");
    assertThat(first.get("function_data").get("type").asText()).isEqualTo("prompt");
    assertThat(first.get("log_id").asText()).isEqualTo("p");
  }

  @Test
  void putCreatesOrReplacesKeepingTheId(BraintrustTestServer server) {
    String pid = server.createProject("p");
    RawHttp http = new RawHttp(server);

    JsonNode created =
        http.put(
                "/v1/function",
                "{\"project_id\":\""
                    + pid
                    + "\",\"slug\":\"s\",\"name\":\"old\",\"description\":\"d\",\"function_data\":{\"type\":\"prompt\"}}")
            .json();
    JsonNode replaced =
        http.put(
                "/v1/function",
                "{\"project_id\":\""
                    + pid
                    + "\",\"slug\":\"s\",\"name\":\"new\",\"function_data\":{\"type\":\"code\"}}")
            .json();

    assertThat(replaced.get("id")).isEqualTo(created.get("id"));
    assertThat(replaced.get("name").asText()).isEqualTo("new");
    assertThat(replaced.get("function_data").get("type").asText()).isEqualTo("code");
    assertThat(replaced.get("description").isNull()).isTrue();
    assertThat(replaced.get("created")).isEqualTo(created.get("created"));
    assertThat(slugs(http.get("/v1/function?project_id=" + pid))).containsExactly("s");
  }

  @Test
  void listFiltersByProjectSlugNameAndIdsAndPages(BraintrustTestServer server) {
    String a = server.createProject("a");
    String b = server.createProject("b");
    RawHttp http = new RawHttp(server);
    String a1 = http.post("/v1/function", function(a, "one", "First")).json().get("id").asText();
    http.post("/v1/function", function(a, "two", "Second"));
    String a3 = http.post("/v1/function", function(a, "three", "Third")).json().get("id").asText();
    http.post("/v1/function", function(b, "one", "Other"));

    assertThat(slugs(http.get("/v1/function?project_name=a&slug=one"))).containsExactly("one");
    assertThat(
            http.get("/v1/function?project_name=a&slug=one")
                .json()
                .get("objects")
                .get(0)
                .get("id")
                .asText())
        .isEqualTo(a1);
    assertThat(slugs(http.get("/v1/function?project_id=" + b))).containsExactly("one");
    assertThat(slugs(http.get("/v1/function?function_name=Second"))).containsExactly("two");
    assertThat(slugs(http.get("/v1/function?slug=one"))).hasSize(2);
    assertThat(slugs(http.get("/v1/function?ids=" + a1 + "&ids=" + a3)))
        .containsExactly("one", "three");
    assertThat(slugs(http.get("/v1/function?project_id=" + a + "&limit=2")))
        .containsExactly("one", "two");
    assertThat(slugs(http.get("/v1/function?project_id=" + a + "&limit=2&starting_after=" + a1)))
        .containsExactly("two", "three");
    assertThat(slugs(http.get("/v1/function?project_name=missing"))).isEmpty();
  }

  @Test
  void aFunctionIsReadPatchedAndDeletedById(BraintrustTestServer server) {
    String id = server.createFunction("crud", "summarizer");
    RawHttp http = new RawHttp(server);

    RawHttp.Response got = http.get("/v1/function/" + id);
    RawHttp.Response patched =
        http.patch("/v1/function/" + id, "{\"name\":\"Summarizer\",\"description\":\"short\"}");
    RawHttp.Response deleted = http.delete("/v1/function/" + id);

    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().get("slug").asText()).isEqualTo("summarizer");
    assertThat(got.json().get("project_id").asText()).isEqualTo(server.projectId("crud"));
    assertThat(patched.json().get("name").asText()).isEqualTo("Summarizer");
    assertThat(patched.json().get("description").asText()).isEqualTo("short");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().has("deleted_at")).isTrue();
    assertThat(http.get("/v1/function/" + id).status()).isEqualTo(404);
    assertThat(http.post("/v1/function/" + id + "/invoke", "{\"input\":1}").status())
        .isEqualTo(404);
    assertThat(http.delete("/v1/function/" + id).status()).isEqualTo(404);
  }

  @Test
  void invokeByIdEchoesTheInput(BraintrustTestServer server) {
    String id = server.createFunction("echo", "summarizer");

    RawHttp.Response r =
        new RawHttp(server)
            .post("/v1/function/" + id + "/invoke", "{\"input\":{\"text\":\"hello\"}}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("function").asText()).isEqualTo("summarizer");
    assertThat(r.json().get("function_id").asText()).isEqualTo(id);
    assertThat(r.json().get("output").get("text").asText()).isEqualTo("hello");
  }

  @Test
  void invokeWithStreamAnswersServerSentEventsEndingInDone(BraintrustTestServer server) {
    String id = server.createFunction("streaming", "summarizer");

    RawHttp.Response r =
        new RawHttp(server)
            .post("/v1/function/" + id + "/invoke", "{\"input\":\"x\",\"stream\":true}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("content-type")).startsWith("text/event-stream");
    assertThat(r.text())
        .isEqualTo(
            "data: {\"function\":\"summarizer\",\"function_id\":\""
                + id
                + "\",\"output\":\"x\"}\n\ndata: [DONE]\n\n");
  }

  @Test
  void invokingAnUnknownFunctionIs404AndABadRequestIs400(BraintrustTestServer server) {
    String id = server.createFunction("invalid", "summarizer");
    RawHttp http = new RawHttp(server);

    RawHttp.Response unknown = http.post("/v1/function/fn-1/invoke", "{\"input\":1}");
    RawHttp.Response badStream =
        http.post("/v1/function/" + id + "/invoke", "{\"input\":1,\"stream\":\"yes\"}");
    RawHttp.Response badMode =
        http.post("/v1/function/" + id + "/invoke", "{\"input\":1,\"mode\":\"fast\"}");

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("error").asText()).isEqualTo("function 'fn-1' not found");
    assertThat(badStream.status()).isEqualTo(400);
    assertThat(badStream.json().get("error").asText()).isEqualTo("'stream' must be a boolean");
    assertThat(badMode.status()).isEqualTo(400);
  }

  @Test
  void createFunctionIsCreateOrGetAndMakesTheProject(BraintrustTestServer server) {
    String first = server.createFunction("new-project", "f");
    String again = server.createFunction("new-project", "f");

    assertThat(again).isEqualTo(first);
    assertThat(server.projectId("new-project")).isNotNull();
  }
}

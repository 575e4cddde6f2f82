package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /v1/prompt}: create-or-get, create-or-replace, list filters, get, patch, delete. */
@ExtendWith(BraintrustTestServerExtension.class)
class PromptRoutesTest {

  private static String prompt(String projectId, String slug, String name) {
    return ("{\"project_id\":\"%s\",\"slug\":\"%s\",\"name\":\"%s\",\"description\":\"d\","
            + "\"prompt_data\":{\"prompt\":{\"type\":\"chat\",\"messages\":[]},"
            + "\"options\":{\"model\":\"gpt-4o\"}},\"tags\":[\"t\"]}")
        .formatted(projectId, slug, name);
  }

  @Test
  void createReturnsThePromptAndAgainReturnsItUnmodified(BraintrustTestServer server) {
    String pid = server.createProject("prompt-create");
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res first = http.post("/v1/prompt", prompt(pid, "greet", "Greeter"));
    JdkHttp.Res again = http.post("/v1/prompt", prompt(pid, "greet", "Renamed"));

    assertThat(first.status()).isEqualTo(200);
    List<String> fields = new ArrayList<>();
    first.json().fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly(
            "id",
            "project_id",
            "name",
            "slug",
            "description",
            "created",
            "prompt_data",
            "tags",
            "function_type",
            "log_id",
            "_xact_id");
    assertThat(first.get("project_id")).isEqualTo(pid);
    assertThat(first.get("log_id")).isEqualTo("p");
    assertThat(first.json().get("prompt_data").get("options").get("model").asText())
        .isEqualTo("gpt-4o");
    assertThat(first.json().get("tags").get(0).asText()).isEqualTo("t");
    assertThat(again.get("id")).isEqualTo(first.get("id"));
    assertThat(again.get("name")).isEqualTo("Greeter");
    // Getting the existing prompt is no new revision.
    assertThat(again.get("_xact_id")).isEqualTo(first.get("_xact_id"));
  }

  @Test
  void putReplacesThePromptWithTheSameSlugKeepingItsId(BraintrustTestServer server) {
    String pid = server.createProject("prompt-put");
    JdkHttp http = new JdkHttp(server);
    JdkHttp.Res created = http.put("/v1/prompt", prompt(pid, "greet", "Old"));

    JdkHttp.Res replaced =
        http.put(
            "/v1/prompt", "{\"project_id\":\"" + pid + "\",\"slug\":\"greet\",\"name\":\"New\"}");

    assertThat(replaced.get("id")).isEqualTo(created.get("id"));
    assertThat(replaced.get("name")).isEqualTo("New");
    assertThat(replaced.json().get("description").isNull()).isTrue();
    assertThat(replaced.json().get("tags").isNull()).isTrue();
    assertThat(http.get("/v1/prompt?project_id=" + pid).each("name")).containsExactly("New");
  }

  @Test
  void listFiltersByProjectNameSlugIdsAndPages(BraintrustTestServer server) {
    String a = server.createProject("prompt-list-a");
    String b = server.createProject("prompt-list-b");
    JdkHttp http = new JdkHttp(server);
    String one = http.post("/v1/prompt", prompt(a, "one", "One")).get("id");
    http.post("/v1/prompt", prompt(a, "two", "Two"));
    String three = http.post("/v1/prompt", prompt(a, "three", "Three")).get("id");
    http.post("/v1/prompt", prompt(b, "one", "Other"));

    assertThat(http.get("/v1/prompt?project_name=prompt-list-a").each("slug"))
        .containsExactly("one", "two", "three");
    assertThat(http.get("/v1/prompt?project_id=" + b).each("name")).containsExactly("Other");
    assertThat(http.get("/v1/prompt?slug=one").each("name")).containsExactly("One", "Other");
    assertThat(http.get("/v1/prompt?prompt_name=Two").each("slug")).containsExactly("two");
    assertThat(http.get("/v1/prompt?ids=" + one + "&ids=" + three).each("slug"))
        .containsExactly("one", "three");
    assertThat(
            http.get("/v1/prompt?project_id=" + a + "&limit=1&starting_after=" + one).each("slug"))
        .containsExactly("two");
    assertThat(http.get("/v1/prompt?function_name=One").error(400))
        .isEqualTo("unknown query parameter 'function_name' for GET /v1/prompt");
  }

  @Test
  void aPromptIsReadPatchedAndDeletedById(BraintrustTestServer server) {
    String pid = server.createProject("prompt-crud");
    JdkHttp http = new JdkHttp(server);
    String id = http.post("/v1/prompt", prompt(pid, "greet", "Greeter")).get("id");

    JdkHttp.Res patched =
        http.patch(
            "/v1/prompt/" + id,
            "{\"description\":\"new\",\"tags\":[\"a\",\"b\"],\"prompt_data\":{\"options\":{\"model\":\"m\"}}}");
    JdkHttp.Res got = http.get("/v1/prompt/" + id);
    JdkHttp.Res deleted = http.delete("/v1/prompt/" + id);

    assertThat(patched.get("description")).isEqualTo("new");
    assertThat(got.json().get("tags")).hasSize(2);
    assertThat(got.json().get("prompt_data").get("options").get("model").asText()).isEqualTo("m");
    assertThat(got.get("name")).isEqualTo("Greeter");
    assertThat(deleted.get("id")).isEqualTo(id);
    assertThat(http.get("/v1/prompt/" + id).error(404)).isEqualTo("prompt '" + id + "' not found");
    assertThat(http.patch("/v1/prompt/" + id, "{}").error(404))
        .isEqualTo("prompt '" + id + "' not found");
    assertThat(http.delete("/v1/prompt/" + id).error(404))
        .isEqualTo("prompt '" + id + "' not found");
  }

  @Test
  void badPromptBodiesAre400AndAnUnknownProjectIs404(BraintrustTestServer server) {
    String pid = server.createProject("prompt-bad");
    JdkHttp http = new JdkHttp(server);

    assertThat(
            http.post("/v1/prompt", "{\"project_id\":\"" + pid + "\",\"name\":\"n\"}").error(400))
        .isEqualTo("'slug' is required");
    assertThat(
            http.post(
                    "/v1/prompt",
                    "{\"project_id\":\"%s\",\"name\":\"n\",\"slug\":\"s\",\"prompt_data\":{\"prompt\":\"hi\"}}"
                        .formatted(pid))
                .error(400))
        .isEqualTo("'prompt_data.prompt' must be an object");
    assertThat(
            http.post(
                    "/v1/prompt",
                    "{\"project_id\":\"%s\",\"name\":\"n\",\"slug\":\"s\",\"tags\":[1]}"
                        .formatted(pid))
                .error(400))
        .isEqualTo("'tags' must be an array of strings");
    assertThat(http.post("/v1/prompt", prompt("nope", "s", "n")).error(404))
        .isEqualTo("project 'nope' not found");
    assertThat(http.get("/v1/prompt?project_id=" + pid).each("slug")).isEmpty();
  }
}

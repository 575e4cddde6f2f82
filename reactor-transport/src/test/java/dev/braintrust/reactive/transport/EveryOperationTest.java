package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import dev.braintrust.reactive.transport.model.Acl;
import dev.braintrust.reactive.transport.model.BraintrustFunction;
import dev.braintrust.reactive.transport.model.Dataset;
import dev.braintrust.reactive.transport.model.Experiment;
import dev.braintrust.reactive.transport.model.ExperimentSummary;
import dev.braintrust.reactive.transport.model.FetchedEvent;
import dev.braintrust.reactive.transport.model.InsertResponse;
import dev.braintrust.reactive.transport.model.Project;
import dev.braintrust.reactive.transport.model.ProjectScore;
import dev.braintrust.reactive.transport.model.Prompt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every operation of the spec through the client, over a socket against the testkit, each call's
 * answer checked; at the end the operations the testkit saw are compared with those the spec (read
 * from a copy of the spec file) defines, so a new spec operation without a client call fails here.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class EveryOperationTest {
  static final Duration T = Duration.ofSeconds(10);

  @Test
  void everySpecOperationHasAClientCall(BraintrustTestServer server) {
    BraintrustClient client = ApiCallsTest.client(server);

    // Projects.
    Project project = client.projects().create(Map.of("name", "every-op")).block(T);
    assertThat(client.projects().get(project.id()).block(T).name()).isEqualTo("every-op");
    assertThat(client.projects().list(ListQuery.all().name("every-op")).collectList().block(T))
        .extracting(Project::id)
        .containsExactly(project.id());
    assertThat(
            client
                .projects()
                .patch(project.id(), Map.of("settings", Map.of("k", 1)))
                .block(T)
                .settings())
        .containsEntry("k", 1);
    Project doomed = client.projects().create(Map.of("name", "doomed")).block(T);
    assertThat(client.projects().delete(doomed.id()).block(T).deletedAt()).isNotNull();
    String pid = project.id();

    // Experiments and their rows.
    Experiment exp = client.experiments().create(Map.of("project_id", pid, "name", "e1")).block(T);
    assertThat(client.experiments().get(exp.id()).block(T).name()).isEqualTo("e1");
    assertThat(client.experiments().list(ListQuery.all().projectId(pid)).collectList().block(T))
        .extracting(Experiment::name)
        .contains("e1");
    assertThat(
            client.experiments().patch(exp.id(), Map.of("description", "d")).block(T).description())
        .isEqualTo("d");
    Rows expRows = client.rows(Destination.experiment(exp.id()));
    InsertResponse inserted =
        expRows
            .insert(List.of(Map.of("id", "r1", "input", 1, "scores", Map.of("acc", 0.5))))
            .block(T);
    assertThat(inserted.rowIds()).containsExactly("r1");
    assertThat(expRows.fetch().map(FetchedEvent::id).collectList().block(T)).containsExactly("r1");
    assertThat(expRows.fetchPage(FetchQuery.all().pageSize(5)).collectList().block(T)).hasSize(1);
    expRows.feedback(List.of(Feedback.forRow("r1").score("helpful", 1.0).build())).block(T);
    ExperimentSummary summary = client.summarize(exp.id(), null).block(T);
    assertThat(summary.experimentName()).isEqualTo("e1");
    Experiment doomedExp =
        client.experiments().create(Map.of("project_id", pid, "name", "e-doomed")).block(T);
    client.experiments().delete(doomedExp.id()).block(T);

    // Datasets and their rows.
    Dataset ds = client.datasets().create(Map.of("project_id", pid, "name", "golden")).block(T);
    assertThat(client.datasets().get(ds.id()).block(T).name()).isEqualTo("golden");
    assertThat(
            client
                .datasets()
                .list(ListQuery.all().projectId(pid).name("golden"))
                .collectList()
                .block(T))
        .hasSize(1);
    client.datasets().patch(ds.id(), Map.of("description", "gold")).block(T);
    Rows dsRows = client.rows(Destination.dataset(ds.id()));
    dsRows.insert(List.of(Map.of("id", "d1", "input", "a", "expected", "a"))).block(T);
    assertThat(dsRows.fetch().collectList().block(T)).hasSize(1);
    assertThat(dsRows.fetchPage(FetchQuery.all()).collectList().block(T)).hasSize(1);
    dsRows.feedback(List.of(Feedback.forRow("d1").comment("ok").build())).block(T);
    assertThat(
            client
                .summarizeDataset(ds.id())
                .block(T)
                .path("data_summary")
                .path("total_records")
                .asInt())
        .isEqualTo(1);
    Dataset doomedDs = client.datasets().create(Map.of("project_id", pid, "name", "tmp")).block(T);
    client.datasets().delete(doomedDs.id()).block(T);

    // Project logs.
    Rows logs = client.rows(Destination.projectLogs(pid));
    logs.insert(List.of(Map.of("id", "l1", "input", "q"))).block(T);
    assertThat(logs.fetch().collectList().block(T)).hasSize(1);
    assertThat(logs.fetchPage(FetchQuery.all()).collectList().block(T)).hasSize(1);
    logs.feedback(List.of(Feedback.forRow("l1").score("good", 0.0).build())).block(T);

    // Prompts.
    Map<String, Object> promptBody =
        Map.of(
            "project_id",
            pid,
            "name",
            "Greeter",
            "slug",
            "greeter",
            "prompt_data",
            Map.of(
                "prompt",
                Map.of(
                    "type",
                    "chat",
                    "messages",
                    List.of(Map.of("role", "user", "content", "Hi {{name}}"))),
                "options",
                Map.of("model", "gpt-4o-mini")));
    Prompt prompt = client.prompts().create(promptBody).block(T);
    assertThat(client.prompts().get(prompt.id()).block(T).slug()).isEqualTo("greeter");
    assertThat(
            client
                .prompts()
                .list(ListQuery.all().projectId(pid).slug("greeter"))
                .collectList()
                .block(T))
        .hasSize(1);
    assertThat(
            client.prompts().patch(prompt.id(), Map.of("description", "v2")).block(T).description())
        .isEqualTo("v2");
    assertThat(client.prompts().replace(promptBody).block(T).id()).isEqualTo(prompt.id());

    // Functions.
    Map<String, Object> fnBody =
        Map.of(
            "project_id",
            pid,
            "name",
            "Echo",
            "slug",
            "echo",
            "function_data",
            Map.of("type", "code"));
    BraintrustFunction fn = client.functions().create(fnBody).block(T);
    assertThat(client.functions().get(fn.id()).block(T).slug()).isEqualTo("echo");
    assertThat(client.functions().list(ListQuery.all().projectId(pid)).collectList().block(T))
        .extracting(BraintrustFunction::slug)
        .contains("echo");
    client.functions().patch(fn.id(), Map.of("description", "echoes")).block(T);
    assertThat(client.functions().replace(fnBody).block(T).id()).isEqualTo(fn.id());
    assertThat(client.invoke(fn.id(), Map.of("input", "ping")).block(T).toString())
        .contains("ping");

    // Server-side eval over the dataset, with the function as task and scorer.
    ExperimentSummary evalSummary =
        client
            .eval(
                Map.of(
                    "project_id", pid,
                    "data", Map.of("dataset_id", ds.id()),
                    "task", Map.of("function_id", fn.id()),
                    "scores", List.of(Map.of("function_id", fn.id()))))
            .block(T);
    assertThat(evalSummary.scores()).isNotEmpty();
    assertThat(client.prompts().delete(prompt.id()).block(T).id()).isEqualTo(prompt.id());
    assertThat(client.functions().delete(fn.id()).block(T).id()).isEqualTo(fn.id());

    // Project configuration.
    ProjectScore score =
        client
            .projectScores()
            .create(Map.of("project_id", pid, "name", "helpful", "score_type", "slider"))
            .block(T);
    assertThat(client.projectScores().get(score.id()).block(T).name()).isEqualTo("helpful");
    assertThat(client.projectScores().list(ListQuery.all().projectId(pid)).collectList().block(T))
        .hasSize(1);
    client.projectScores().delete(score.id()).block(T);
    client
        .resource(Resource.PROJECT_TAG)
        .create(Map.of("project_id", pid, "name", "prod"))
        .block(T);
    assertThat(
            client
                .resource(Resource.PROJECT_TAG)
                .list(ListQuery.all().projectId(pid))
                .collectList()
                .block(T))
        .hasSize(1);
    server.createView("project", pid, "my view");
    assertThat(
            client
                .resource(Resource.VIEW)
                .list(ListQuery.all().objectType("project").objectId(pid))
                .collectList()
                .block(T))
        .hasSize(1);

    // Organization, users, roles, groups, ACLs.
    assertThat(client.resource(Resource.ORGANIZATION).list().collectList().block(T))
        .extracting(o -> o.get("name").asText())
        .contains(server.orgName());
    client
        .updateOrganizationMembers(
            Map.of(
                "org_name",
                server.orgName(),
                "invite_users",
                Map.of("emails", List.of("new@example.com"))))
        .block(T);
    List<JsonNode> users = client.resource(Resource.USER).list().collectList().block(T);
    assertThat(users).extracting(u -> u.get("email").asText()).contains("new@example.com");
    JsonNode role = client.resource(Resource.ROLE).create(Map.of("name", "Reviewer")).block(T);
    assertThat(client.resource(Resource.ROLE).list().collectList().block(T)).isNotEmpty();
    JsonNode group = client.resource(Resource.GROUP).create(Map.of("name", "Reviewers")).block(T);
    assertThat(client.resource(Resource.GROUP).list().collectList().block(T)).isNotEmpty();
    Map<String, Object> grant =
        Map.of(
            "object_type",
            "project",
            "object_id",
            pid,
            "group_id",
            group.get("id").asText(),
            "permission",
            "read");
    Acl acl = client.acls().create(grant).block(T);
    assertThat(client.acls().list("project", pid).collectList().block(T))
        .extracting(Acl::id)
        .contains(acl.id());
    Acls.Changes changes =
        client
            .acls()
            .batchUpdate(
                List.of(
                    Map.of(
                        "object_type",
                        "project",
                        "object_id",
                        pid,
                        "group_id",
                        group.get("id").asText(),
                        "role_id",
                        role.get("id").asText())),
                List.of())
            .block(T);
    assertThat(changes.added()).hasSize(1);
    assertThat(client.acls().delete(grant).block(T).id()).isEqualTo(acl.id());

    // Keys and secrets.
    List<JsonNode> keys = client.resource(Resource.API_KEY).list().collectList().block(T);
    assertThat(keys).isNotEmpty();
    String keyId = keys.get(0).get("id").asText();
    assertThat(client.resource(Resource.API_KEY).get(keyId).block(T).get("id").asText())
        .isEqualTo(keyId);
    JsonNode secret =
        client
            .resource(Resource.AI_SECRET)
            .create(Map.of("name", "OPENAI_API_KEY", "type", "openai", "secret", "sk-hidden"))
            .block(T);
    assertThat(secret.toString()).doesNotContain("sk-hidden");
    assertThat(client.resource(Resource.AI_SECRET).list().collectList().block(T)).hasSize(1);

    // The AI proxy.
    assertThat(
            client
                .aiProxy()
                .chatCompletion(
                    Map.of(
                        "model", "m", "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .block(T)
                .content())
        .isNotEmpty();
    assertThat(client.aiProxy().embeddings("e", List.of("a")).block(T).path("data").size())
        .isEqualTo(1);
    assertThat(client.aiProxy().temporaryCredential(Duration.ofMinutes(5), null).block(T))
        .isNotBlank();

    // Deleting the key last: the testkit keeps accepting it, as it documents.
    client.resource(Resource.API_KEY).delete(keyId).block(T);

    Set<String> seen = new LinkedHashSet<>();
    for (RecordedRequest r : server.requests()) {
      seen.add(r.method() + " " + r.path());
    }
    List<String> missing = new ArrayList<>();
    for (String op : SpecOperations.all()) {
      String[] parts = op.split(" ", 2);
      boolean called =
          seen.stream()
              .anyMatch(
                  s ->
                      s.startsWith(parts[0] + " ")
                          && SpecOperations.matches(parts[1], s.substring(parts[0].length() + 1)));
      if (!called) {
        missing.add(op);
      }
    }
    assertThat(SpecOperations.all()).hasSize(69);
    assertThat(missing).as("spec operations no client call reached").isEmpty();
    client.close();
  }

  @Test
  void btqlPagesLazilyByTheCursorHeader(BraintrustTestServer server) {
    BraintrustClient client = ApiCallsTest.client(server);
    String pid = server.createProject("btql");
    ApiCallsTest.insertRows(server, pid, 25);

    List<JsonNode> firstFive =
        client
            .btql("SELECT * FROM project_logs('" + pid + "') LIMIT 10")
            .take(5)
            .collectList()
            .block(T);
    assertThat(firstFive).hasSize(5);
    assertThat(server.requests("/btql")).hasSize(1);

    List<String> all =
        client
            .btql(
                Map.of(
                    "from",
                    Map.of(
                        "op", "function",
                        "name", Map.of("op", "ident", "name", List.of("project_logs")),
                        "args", List.of(Map.of("op", "literal", "value", pid))),
                    "select",
                    List.of(Map.of("op", "star")),
                    "limit",
                    10))
            .map(r -> r.get("id").asText())
            .collectList()
            .block(T);
    assertThat(all).hasSize(25).doesNotHaveDuplicates();
    List<RecordedRequest> btql = server.requests("/btql");
    // take(5) of a 10-row page never asked for a second page, even after it cancelled.
    assertThat(btql).filteredOn(r -> r.json().path("query").isTextual()).hasSize(1);
    List<RecordedRequest> pages =
        btql.stream().filter(r -> r.json().path("query").isObject()).collect(Collectors.toList());
    assertThat(pages).hasSizeGreaterThanOrEqualTo(3);
    assertThat(pages.get(0).json().path("query").has("cursor")).isFalse();
    assertThat(pages.get(1).json().path("query").path("cursor").asText()).isNotEmpty();
    client.close();
  }

  @Test
  void unsupportedOperationsAndMissingFieldsFailBeforeSending(BraintrustTestServer server) {
    BraintrustClient client = ApiCallsTest.client(server);
    assertThatThrownBy(() -> client.resource(Resource.VIEW).create(Map.of("name", "v")).block(T))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("the API has no CREATE for /v1/view");
    assertThatThrownBy(
            () -> client.prompts().create(Map.of("project_id", "p", "name", "n")).block(T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("creating in /v1/prompt needs 'slug'");
    assertThatThrownBy(() -> client.eval(Map.of("project_id", "p")).block(T))
        .hasMessage("an eval needs 'data'");
    assertThat(server.requests()).isEmpty();
    assertThatThrownBy(() -> client.projects().get("no-such-id").block(T))
        .isInstanceOf(BraintrustApiException.class)
        .hasMessageContaining("status 404");
    client.close();
  }
}

package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import dev.braintrust.reactive.transport.model.BraintrustFunction;
import dev.braintrust.reactive.transport.model.Dataset;
import dev.braintrust.reactive.transport.model.Prompt;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Lists take the filters the real API takes (and the official SDKs send), beyond the spec file;
 * calls send what the SDKs send for the same call, no more.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class RealApiFiltersTest {
  static final Duration T = Duration.ofSeconds(30);

  static BraintrustClient client(BraintrustTestServer server) {
    return BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
  }

  @Test
  void datasetsFunctionsAndPromptsAreListedByProjectNameAndVersion(BraintrustTestServer server) {
    String fid = server.createFunction("filters", "echo");
    String pid = server.projectId("filters");
    server.createDataset(pid, "golden");
    try (BraintrustClient client = client(server)) {
      Prompt prompt = client.prompts().create(PromptsTest.prompt(pid, "Q: {{q}}", 0.1)).block(T);

      List<Dataset> datasets =
          client.datasets().list(ListQuery.all().projectName("filters")).collectList().block(T);
      List<BraintrustFunction> functions =
          client
              .functions()
              .list(ListQuery.all().projectName("filters").slug("echo").version("999999999999"))
              .collectList()
              .block(T);
      List<Prompt> prompts =
          client
              .prompts()
              .list(ListQuery.all().projectName("filters").version(prompt.version()))
              .collectList()
              .block(T);
      List<Prompt> byIds =
          client
              .prompts()
              .list(ListQuery.all().ids(List.of(prompt.id(), "no-such-id")))
              .collectList()
              .block(T);
      BraintrustFunction atVersion = client.functions().get(fid, "999999999999").block(T);
      Prompt promptAtVersion = client.prompts().get(prompt.id(), prompt.version()).block(T);

      assertThat(datasets).extracting(Dataset::name).containsExactly("golden");
      assertThat(functions).extracting(BraintrustFunction::id).containsExactly(fid);
      assertThat(prompts).extracting(Prompt::id).containsExactly(prompt.id());
      assertThat(byIds).extracting(Prompt::id).containsExactly(prompt.id());
      assertThat(atVersion.id()).isEqualTo(fid);
      assertThat(promptAtVersion.version()).isEqualTo(prompt.version());
    }
    List<RecordedRequest> gets =
        server.requests().stream().filter(r -> r.method().equals("GET")).toList();
    assertThat(gets)
        .extracting(r -> r.path() + "?" + r.query())
        .contains(
            "/v1/dataset?project_name=filters",
            "/v1/function?project_name=filters&slug=echo&version=999999999999",
            "/v1/function/" + fid + "?version=999999999999");
  }

  @Test
  void loadPromptAsksByProjectNameInOneRequestAsTheSdksDo(BraintrustTestServer server) {
    String pid = server.createProject("one-request");
    try (BraintrustClient client = client(server)) {
      Prompt created = client.prompts().create(PromptsTest.prompt(pid, "Q: {{q}}", 0.1)).block(T);
      int before = server.requests().size();

      Prompt latest = client.loadPrompt("one-request", "support").block(T);
      Prompt pinned = client.loadPrompt("one-request", "support", created.version()).block(T);

      assertThat(latest.id()).isEqualTo(created.id());
      assertThat(pinned.version()).isEqualTo(created.version());
      List<RecordedRequest> all = server.requests();
      assertThat(all.subList(before, all.size()))
          .extracting(r -> r.method() + " " + r.path() + "?" + r.query())
          .containsExactly(
              "GET /v1/prompt?slug=support&project_name=one-request",
              "GET /v1/prompt?slug=support&project_name=one-request&version=" + created.version());
    }
  }

  @Test
  void aListWithoutPageSizeSendsNoLimit(BraintrustTestServer server) {
    String pid = server.createProject("no-limit");
    server.createExperiment(pid, "e1");
    try (BraintrustClient client = client(server)) {
      assertThat(client.experiments().list(ListQuery.all().projectId(pid)).collectList().block(T))
          .hasSize(1);
      assertThat(client.projects().list().collectList().block(T)).isNotEmpty();
    }
    assertThat(server.requests())
        .filteredOn(r -> r.method().equals("GET"))
        .extracting(RecordedRequest::query)
        .containsExactly("project_id=" + pid, "");
  }

  @Test
  void anUnknownFilterIsSentAndLoggedOnceNotRefused() throws Exception {
    Logger logger = Logger.getLogger("dev.braintrust.reactive");
    Level level = logger.getLevel();
    logger.setLevel(Level.ALL);
    try (StubServer server = new StubServer(r -> StubServer.Reply.json(200, "{\"objects\":[]}"));
        BraintrustClient client =
            BraintrustClient.builder().apiKey("test-key").baseUrl(server.baseUrl()).build();
        LogCapture logs = new LogCapture()) {
      for (int i = 0; i < 3; i++) {
        client
            .datasets()
            .list(ListQuery.all().filter("colour_unknown", "red" + i))
            .collectList()
            .block(T);
      }

      assertThat(server.requests)
          .extracting(StubServer.Request::toString)
          .containsExactly(
              "GET /v1/dataset?colour_unknown=red0",
              "GET /v1/dataset?colour_unknown=red1",
              "GET /v1/dataset?colour_unknown=red2");
      assertThat(logs.messages)
          .filteredOn(m -> m.contains("colour_unknown"))
          .singleElement()
          .asString()
          .contains("/v1/dataset is not known to take the filter 'colour_unknown'");
    } finally {
      logger.setLevel(level);
    }
  }

  @Test
  void aPagedListWalksByStartingAfterWithTheGivenPageSize(BraintrustTestServer server) {
    String pid = server.createProject("paged");
    for (int i = 0; i < 5; i++) {
      server.createExperiment(pid, "e" + i);
    }
    try (BraintrustClient client = client(server)) {
      List<JsonNode> all =
          client
              .resource(Resource.EXPERIMENT)
              .list(ListQuery.all().projectId(pid).pageSize(2))
              .collectList()
              .block(T);
      assertThat(all).hasSize(5);
    }
    assertThat(server.requests("/v1/experiment"))
        .extracting(RecordedRequest::query)
        .allSatisfy(q -> assertThat(q).contains("limit=2"))
        .hasSize(3);
  }
}

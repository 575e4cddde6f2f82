package dev.braintrust.reactive.eval;

import static dev.braintrust.reactive.eval.EvalRunTest.byType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.FetchQuery;
import dev.braintrust.reactive.transport.model.FetchedEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/** Dataset-backed evals: rows carry their origin, and the dataset version is pinned. */
@ExtendWith(BraintrustTestServerExtension.class)
class EvalDatasetVersionTest {
  static final Duration T = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();

  private final List<BraintrustClient> clients = new ArrayList<>();

  BraintrustClient client(BraintrustTestServer server) {
    BraintrustClient c =
        BraintrustClient.builder()
            .apiKey(server.apiKey())
            .baseUrl(server.baseUrl())
            .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .build();
    clients.add(c);
    return c;
  }

  @AfterEach
  void close() {
    clients.forEach(BraintrustClient::close);
  }

  /** Two records, then a version to pin; then the head moves: one record more, one changed. */
  static String seedAndMoveHead(BraintrustClient client, String did) {
    client
        .rows(Destination.dataset(did))
        .insert(
            List.of(
                Map.of("id", "r1", "input", 1, "expected", 2),
                Map.of("id", "r2", "input", 2, "expected", 4)))
        .block(T);
    String pinned = headVersion(client, did);
    client
        .rows(Destination.dataset(did))
        .insert(
            List.of(
                Map.of("id", "r3", "input", 3, "expected", 6),
                Map.of("id", "r1", "input", 10, "expected", 20)))
        .block(T);
    return pinned;
  }

  static String headVersion(BraintrustClient client, String did) {
    return client
        .rows(Destination.dataset(did))
        .fetch(FetchQuery.all())
        .map(FetchedEvent::version)
        .reduce((a, b) -> Long.parseLong(a) >= Long.parseLong(b) ? a : b)
        .block(T);
  }

  static JsonNode call(BraintrustTestServer server, String method, String path, String body)
      throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                    .header("Authorization", "Bearer " + server.apiKey())
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body))
                    .timeout(T)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  EvalResult run(BraintrustClient client, String experiment, DatasetVersion version) {
    return Eval.<JsonNode, JsonNode>builder(client)
        .project("dv")
        .experiment(experiment)
        .data(EvalData.dataset(client, "dv", "golden", version, 1))
        .task(in -> Mono.just((JsonNode) JSON.getNodeFactory().numberNode(in.asInt() * 2)))
        .scorer(Scorer.of("exact", (c, out) -> out.equals(c.expected()) ? 1.0 : 0.0))
        .quiet()
        .build()
        .run()
        .block(T);
  }

  static JsonNode experimentCreate(BraintrustTestServer server, String name) {
    return server.requests("/v1/experiment").stream()
        .filter(r -> r.method().equals("POST"))
        .map(RecordedRequest::json)
        .filter(j -> j.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void rowsCarryTheirDatasetOriginAndTheExperimentRecordsTheHeadVersionItRead(
      BraintrustTestServer server) {
    BraintrustClient client = client(server);
    String did = server.createDataset(server.createProject("dv"), "golden");
    seedAndMoveHead(client, did);
    String head = headVersion(client, did);

    EvalResult r = run(client, "at-head", DatasetVersion.head());

    assertThat(r.cases()).isEqualTo(3);
    JsonNode create = experimentCreate(server, "at-head");
    assertThat(create.path("dataset_id").asText()).isEqualTo(did);
    assertThat(create.path("dataset_version").asText()).isEqualTo(head);
    List<ObjectNode> evals = byType(server.experimentRows(r.experimentId()), "eval");
    ObjectNode r1 =
        evals.stream().filter(n -> n.at("/origin/id").asText().equals("r1")).findFirst().get();
    assertThat(r1.at("/origin/object_type").asText()).isEqualTo("dataset");
    assertThat(r1.at("/origin/object_id").asText()).isEqualTo(did);
    assertThat(r1.at("/origin/_xact_id").asText()).isEqualTo(head);
    assertThat(r1.at("/origin/created").isTextual()).isTrue();
    assertThat(r1.get("input").asInt()).isEqualTo(10);
  }

  @Test
  void aSnapshotIsResolvedToItsVersionAndEveryPageIsReadAtIt(BraintrustTestServer server)
      throws Exception {
    BraintrustClient client = client(server);
    String did = server.createDataset(server.createProject("dv"), "golden");
    String pinned = seedAndMoveHead(client, did);
    call(
        server,
        "POST",
        "/api/dataset_snapshot/register",
        "{\"dataset_id\":\""
            + did
            + "\",\"dataset_snapshot_name\":\"baseline\",\"xact_id\":\""
            + pinned
            + "\"}");

    // A page of one record per request: every page must be read at the snapshot's version.
    EvalResult r = run(client, "at-snapshot", DatasetVersion.snapshot("baseline"));

    assertThat(r.cases()).isEqualTo(2);
    assertThat(byType(server.experimentRows(r.experimentId()), "eval"))
        .extracting(n -> n.get("input").asInt())
        .containsExactlyInAnyOrder(1, 2);
    assertThat(experimentCreate(server, "at-snapshot").path("dataset_version").asText())
        .isEqualTo(pinned);
    assertThat(server.requests("/dataset_snapshot/get")).hasSize(1);
  }

  @Test
  void anEnvironmentTagIsResolvedToItsVersion(BraintrustTestServer server) throws Exception {
    BraintrustClient client = client(server);
    String did = server.createDataset(server.createProject("dv"), "golden");
    String pinned = seedAndMoveHead(client, did);
    call(server, "POST", "/environment", "{\"name\":\"Production\",\"slug\":\"production\"}");
    call(
        server,
        "PUT",
        "/environment-object/dataset/" + did + "/production",
        "{\"object_version\":\"" + pinned + "\"}");

    EvalResult r = run(client, "at-env", DatasetVersion.environment("production"));

    assertThat(r.cases()).isEqualTo(2);
    assertThat(experimentCreate(server, "at-env").path("dataset_version").asText())
        .isEqualTo(pinned);
  }

  @Test
  void anUnknownSnapshotFailsTheRunByName(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    String did = server.createDataset(server.createProject("dv"), "golden");
    seedAndMoveHead(client, did);
    assertThatThrownBy(() -> run(client, "nope", DatasetVersion.snapshot("missing")))
        .hasMessageContaining("no snapshot 'missing'");
    assertThat(server.experimentId(server.projectId("dv"), "nope")).isNull();
  }
}

package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.testkit.RecordedRequest;
import dev.braintrust.reactive.transport.model.Experiment;
import dev.braintrust.reactive.transport.model.ExperimentSummary;
import dev.braintrust.reactive.transport.model.FetchedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

@ExtendWith(BraintrustTestServerExtension.class)
class ApiCallsTest {
  static final Duration T = Duration.ofSeconds(10);

  static BraintrustClient client(BraintrustTestServer server) {
    return BraintrustClient.builder()
        .apiKey(server.apiKey())
        .baseUrl(server.baseUrl())
        .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
        .build();
  }

  /** Closing an exporter shuts its transport down, so the rows go through a client of their own. */
  static void insertRows(BraintrustTestServer server, String pid, int n) {
    try (BraintrustExporter ex = BraintrustExporter.builder(client(server)).build()) {
      for (int i = 0; i < n; i++) {
        ex.accept(
            dev.braintrust.reactive.core.BraintrustEvent.builder(
                    Destination.projectLogs(pid), "row-" + i)
                .input(i)
                .metadata("even", i % 2 == 0)
                .build());
      }
    }
  }

  @Test
  void feedbackIsValidatedThenMergedIntoTheRow(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    String pid = server.createProject("fb");
    insertRows(server, pid, 1);

    assertThatThrownBy(() -> Feedback.forRow("row-0").score("helpful", 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("score 'helpful' must be between 0 and 1, got 1.5");
    assertThatThrownBy(() -> Feedback.forRow("").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id must not be null or blank");

    StepVerifier.create(
            client
                .rows(Destination.projectLogs(pid))
                .feedback(
                    List.of(
                        Feedback.forRow("row-0")
                            .score("helpful", 0.75)
                            .score("unrated", null)
                            .comment("nice")
                            .expected("0")
                            .metadata("reviewer", "ann")
                            .build())))
        .verifyComplete();

    ObjectNode row = server.projectLogs(pid).get(0);
    assertThat(row.get("scores").get("helpful").asDouble()).isEqualTo(0.75);
    assertThat(row.get("scores").get("unrated").isNull()).isTrue();
    assertThat(row.get("comments").get(0).asText()).isEqualTo("nice");
    assertThat(row.get("metadata").get("reviewer").asText()).isEqualTo("ann");
    assertThat(server.feedback("project_logs", pid).get(0).get("source").asText()).isEqualTo("api");
  }

  @Test
  void fetchFollowsTheCursorLazilyUnderBackpressure(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    String pid = server.createProject("paging");
    insertRows(server, pid, 35);

    List<String> ids = new ArrayList<>();
    StepVerifier.create(
            client
                .rows(Destination.projectLogs(pid))
                .fetch(FetchQuery.all().pageSize(10))
                .map(FetchedEvent::id),
            0)
        .expectSubscription()
        .then(() -> assertThat(server.requests("/fetch")).isEmpty())
        .thenRequest(10)
        .recordWith(() -> ids)
        .expectNextCount(10)
        .then(() -> assertThat(server.requests("/fetch")).hasSize(1))
        .thenRequest(1)
        .expectNextCount(1)
        .then(() -> assertThat(server.requests("/fetch")).hasSize(2))
        .thenRequest(Long.MAX_VALUE)
        .expectNextCount(24)
        .verifyComplete();

    assertThat(server.requests("/fetch")).hasSize(4);
    assertThat(ids)
        .hasSize(35)
        .doesNotHaveDuplicates()
        .containsAll(IntStream.range(0, 35).mapToObj(i -> "row-" + i).collect(Collectors.toList()));
  }

  @Test
  void listFollowsStartingAfterLazilyUnderBackpressure(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    String pid = server.createProject("listing");
    Flux.range(0, 230)
        .concatMap(i -> client.experiments().create(Map.of("name", "d" + i, "project_id", pid)))
        .blockLast(T);
    server.reset();

    List<String> names = new ArrayList<>();
    StepVerifier.create(
            client
                .experiments()
                .list(ListQuery.all().projectId(pid).pageSize(100))
                .map(Experiment::name),
            0)
        .expectSubscription()
        .then(() -> assertThat(server.requests("/v1/experiment")).isEmpty())
        .thenRequest(100)
        .recordWith(() -> names)
        .expectNextCount(100)
        .then(() -> assertThat(server.requests("/v1/experiment")).hasSize(1))
        .thenRequest(Long.MAX_VALUE)
        .expectNextCount(130)
        .verifyComplete();

    assertThat(names)
        .hasSize(230)
        .doesNotHaveDuplicates()
        .containsAll(IntStream.range(0, 230).mapToObj(i -> "d" + i).collect(Collectors.toList()));
    List<String> queries =
        server.requests("/v1/experiment").stream()
            .map(RecordedRequest::query)
            .collect(Collectors.toList());
    assertThat(queries).hasSize(3);
    assertThat(queries.get(0)).contains("limit=100").doesNotContain("starting_after");
    assertThat(queries.get(1)).contains("starting_after=");
    assertThat(
            client
                .experiments()
                .list(ListQuery.all().projectId(pid).pageSize(5))
                .take(7)
                .collectList()
                .block(T))
        .hasSize(7);
  }

  @Test
  void fetchAppliesFilters(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    String pid = server.createProject("filters");
    insertRows(server, pid, 10);

    List<FetchedEvent> even =
        client
            .rows(Destination.projectLogs(pid))
            .fetch(
                FetchQuery.all()
                    .pageSize(3)
                    .filter(
                        Map.of(
                            "type",
                            "path_lookup",
                            "path",
                            List.of("metadata", "even"),
                            "value",
                            true)))
            .collectList()
            .block(T);
    assertThat(even).hasSize(5).allSatisfy(r -> assertThat(r.input().asInt() % 2).isZero());
  }

  @Test
  void summarizeComparesScoresWithAnotherExperiment(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    String pid = server.createProject("sum");
    String base = server.createExperiment(pid, "base");
    String next = server.createExperiment(pid, "next");
    try (BraintrustExporter ex = BraintrustExporter.builder(client(server)).build()) {
      for (int i = 0; i < 4; i++) {
        ex.accept(
            dev.braintrust.reactive.core.BraintrustEvent.builder(
                    Destination.experiment(base), "b" + i)
                .input(i)
                .score("acc", 0.5)
                .build());
        ex.accept(
            dev.braintrust.reactive.core.BraintrustEvent.builder(
                    Destination.experiment(next), "n" + i)
                .input(i)
                .score("acc", i < 3 ? 1.0 : 0.0)
                .build());
      }
    }

    ExperimentSummary s = client.summarize(next, base).block(T);
    assertThat(s.experimentName()).isEqualTo("next");
    assertThat(s.comparisonExperimentName()).isEqualTo("base");
    ExperimentSummary.ScoreSummary acc = s.scores().get("acc");
    assertThat(acc.score()).isEqualTo(0.75);
    assertThat(acc.diff()).isEqualTo(0.25);
    assertThat(acc.improvements()).isEqualTo(3);
    assertThat(acc.regressions()).isEqualTo(1);
  }

  @Test
  void resourcesCanBeCreatedReadListedPatchedAndDeleted(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    String pid =
        client
            .resource(Resource.PROJECT)
            .create(Map.of("name", "crud"))
            .block(T)
            .get("id")
            .asText();
    String did =
        client
            .resource(Resource.DATASET)
            .create(Map.of("name", "golden", "project_id", pid))
            .block(T)
            .get("id")
            .asText();

    assertThat(client.resource(Resource.DATASET).get(did).block(T).get("name").asText())
        .isEqualTo("golden");
    assertThat(client.datasets().list(ListQuery.all().projectId(pid)).collectList().block(T))
        .hasSize(1);
    assertThat(
            client
                .resource(Resource.DATASET)
                .patch(did, Map.of("description", "d"))
                .block(T)
                .get("description")
                .asText())
        .isEqualTo("d");
    assertThat(client.resource(Resource.DATASET).delete(did).block(T).has("deleted_at")).isTrue();
    assertThatThrownBy(() -> client.resource(Resource.DATASET).get(did).block(T))
        .isInstanceOf(BraintrustApiException.class)
        .hasMessageContaining("status 404");
  }

  @Test
  void chatCompletionIsTracedAsAnLlmSpanWithTokenMetrics(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    server.scriptModelReply("Paris is the capital");
    try (BraintrustExporter ex = BraintrustExporter.builder(client).build()) {
      Tracer tracer = Tracer.create(ex, Destination.projectLogsByName("proxy"));
      ChatCompletion c =
          client
              .aiProxy(tracer)
              .chatCompletion(
                  Map.of(
                      "model",
                      "fake-1",
                      "temperature",
                      0,
                      "messages",
                      List.of(Map.of("role", "user", "content", "capital of France?"))))
              .block(T);

      assertThat(c.content()).isEqualTo("Paris is the capital");
      assertThat(c.promptTokens()).isEqualTo(3);
      assertThat(c.completionTokens()).isEqualTo(4);
      ex.flush().block(T);
    }
    ObjectNode row = server.projectLogs(server.projectId("proxy")).get(0);
    assertThat(row.get("span_attributes").get("type").asText()).isEqualTo("llm");
    assertThat(row.get("input").get(0).get("content").asText()).isEqualTo("capital of France?");
    assertThat(row.get("output").get(0).get("message").get("content").asText())
        .isEqualTo("Paris is the capital");
    assertThat(row.get("metadata").get("model").asText()).isEqualTo("fake-1");
    assertThat(row.get("metrics").get("tokens").asInt()).isEqualTo(7);
  }

  @Test
  void aStreamIsRetriedWhileNoEventHasArrivedButNotOnClientErrors(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    server.scriptModelReply("after two failures");
    server
        .faults()
        .enqueue(
            Fault.status(503).onPathContaining("/proxy/"),
            Fault.disconnect().onPathContaining("/proxy/"));
    Map<String, Object> request =
        Map.of("model", "m", "messages", List.of(Map.of("role", "user", "content", "hi")));

    List<ChatCompletion> chunks =
        client.aiProxy().chatCompletionStream(request).collectList().block(T);

    assertThat(chunks.stream().map(ChatCompletion::content).collect(Collectors.joining()))
        .isEqualTo("after two failures");
    assertThat(server.requests("/proxy/chat/completions")).hasSize(3);
    // The client may read [DONE] before the server's send completes on its own thread.
    Await.until("the server to see the stream completed", () -> server.streamsCompleted() == 1);

    server.reset();
    server.faults().enqueue(Fault.status(400).body("{\"error\":\"bad model\"}"));
    StepVerifier.create(client.aiProxy().chatCompletionStream(request))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(BraintrustApiException.class)
                    .hasMessageContaining("bad model"))
        .verify(T);
    assertThat(server.requests("/proxy/chat/completions")).hasSize(1);
  }

  @Test
  void streamedCompletionReassemblesEventsSplitAcrossPackets(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    server.sseEventDelay(Duration.ofMillis(5));
    server.scriptModelReply("naïve café — ünïcödé 🚀 done");
    try (BraintrustExporter ex = BraintrustExporter.builder(client).build()) {
      Tracer tracer = Tracer.create(ex, Destination.projectLogsByName("stream"));
      List<ChatCompletion> chunks =
          client
              .aiProxy(tracer)
              .chatCompletionStream(
                  Map.of(
                      "model",
                      "fake-1",
                      "messages",
                      List.of(Map.of("role", "user", "content", "hi"))))
              .collectList()
              .block(T);

      assertThat(chunks).hasSize(6).allSatisfy(c -> assertThat(c.isChunk()).isTrue());
      assertThat(chunks.stream().map(ChatCompletion::content).collect(Collectors.joining()))
          .isEqualTo("naïve café — ünïcödé 🚀 done");
      assertThat(chunks.get(5).finishReason()).isEqualTo("stop");
      ex.flush().block(T);
    }
    ObjectNode row = server.projectLogs(server.projectId("stream")).get(0);
    assertThat(row.at("/output/0/message/content").asText())
        .isEqualTo("naïve café — ünïcödé 🚀 done");
    assertThat(row.at("/output/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(row.get("metrics").get("completion_tokens").asInt()).isEqualTo(6);
    assertThat(row.get("metrics").has("time_to_first_token")).isTrue();
    // The client may read [DONE] before the server's send completes on its own thread.
    Await.until("the server to see the stream completed", () -> server.streamsCompleted() == 1);
  }

  @Test
  void cancellingAStreamClosesTheConnection(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    server.sseEventDelay(Duration.ofMillis(50));
    server.scriptModelReply("one two three four five six seven eight nine ten");

    List<ChatCompletion> firstTwo =
        client
            .aiProxy()
            .chatCompletionStream(
                Map.of(
                    "model", "m", "messages", List.of(Map.of("role", "user", "content", "count"))))
            .take(2)
            .collectList()
            .block(T);

    assertThat(firstTwo).extracting(ChatCompletion::content).containsExactly("one ", "two ");
    Await.until("the server to see the stream aborted", () -> server.streamsAborted() == 1);
    assertThat(server.streamsCompleted()).isZero();
  }

  @Test
  void embeddingsReturnOneVectorPerInput(BraintrustTestServer server) {
    JsonNode r = client(server).aiProxy().embeddings("embed-1", List.of("a b", "c")).block(T);
    assertThat(r.get("data")).hasSize(2);
    assertThat(r.get("data").get(0).get("embedding")).hasSize(4);
    assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
  }

  /**
   * Needs a testkit that serves the spec's function routes: {@code POST /v1/function} creates,
   * {@code GET /v1/function?project_name=&slug=} finds, {@code POST /v1/function/{id}/invoke} runs.
   */
  @Test
  void functionsAreInvokedByIdBySlugAndAsAStream(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    String pid =
        client
            .resource(Resource.PROJECT)
            .create(Map.of("name", "proj"))
            .block(T)
            .get("id")
            .asText();
    JsonNode created =
        client
            .resource(Resource.FUNCTION)
            .create(
                Map.of(
                    "project_id",
                    pid,
                    "name",
                    "Summarizer",
                    "slug",
                    "summarizer",
                    "function_data",
                    Map.of("type", "prompt")))
            .block(T);
    assertThat(created.path("id").isTextual())
        .as("POST /v1/function creates a function; got %s", created)
        .isTrue();
    String fid = created.get("id").asText();
    server.reset();

    JsonNode byId = client.invoke(fid, Map.of("input", Map.of("text", "hello"))).block(T);
    JsonNode bySlug = client.invoke("proj", "summarizer", Map.of("text", "long")).block(T);
    List<JsonNode> streamed = client.invokeStream(fid, Map.of("input", "x")).collectList().block(T);
    List<JsonNode> streamedBySlug =
        client.invokeStream("proj", "summarizer", "y").collectList().block(T);

    assertThat(byId.get("output").get("text").asText()).isEqualTo("hello");
    assertThat(bySlug.get("output").get("text").asText()).isEqualTo("long");
    assertThat(streamed)
        .singleElement()
        .satisfies(n -> assertThat(n.get("output").asText()).isEqualTo("x"));
    assertThat(streamedBySlug)
        .singleElement()
        .satisfies(n -> assertThat(n.get("output").asText()).isEqualTo("y"));
    // The slug is looked up once, then every call goes to the function's invoke route.
    assertThat(server.requests())
        .extracting(r -> r.method() + " " + r.path())
        .containsExactly(
            "POST /v1/function/" + fid + "/invoke",
            "GET /v1/function",
            "POST /v1/function/" + fid + "/invoke",
            "POST /v1/function/" + fid + "/invoke",
            "POST /v1/function/" + fid + "/invoke");
    assertThat(server.requests().get(1).query()).isEqualTo("slug=summarizer&project_name=proj");
    JsonNode slugStream = server.requests().get(4).json();
    assertThat(slugStream.get("stream").asBoolean()).isTrue();
    assertThat(slugStream.get("input").asText()).isEqualTo("y");
  }

  @ParameterizedTest(name = "status {0}")
  @ValueSource(ints = {400, 401, 403, 404, 409, 422})
  void clientErrorsAreTypedAndNotRetried(int status, BraintrustTestServer server) {
    server
        .faults()
        .enqueue(
            Fault.status(status)
                .header("x-bt-request-id", "req-" + status)
                .body("{\"error\":\"nope " + status + "\"}"));
    Throwable e =
        client(server).resource(Resource.PROJECT).get("p1").materialize().block(T).getThrowable();

    assertThat(e).isInstanceOf(BraintrustApiException.class);
    BraintrustApiException api = (BraintrustApiException) e;
    assertThat(api.status()).isEqualTo(status);
    assertThat(api.error()).isEqualTo("nope " + status);
    assertThat(api.requestId()).isEqualTo("req-" + status);
    assertThat(api.isRetryable()).isFalse();
    assertThat(server.requests()).hasSize(1);
  }

  @ParameterizedTest(name = "status {0}")
  @ValueSource(ints = {408, 429, 500, 502, 503, 504})
  void retryableStatusesAreRetriedUntilTheyGiveUp(int status, BraintrustTestServer server) {
    server.faults().enqueue(Fault.status(status), 10);
    BraintrustClient client =
        BraintrustClient.builder()
            .apiKey(server.apiKey())
            .baseUrl(server.baseUrl())
            .maxRetries(2)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(2))
            .build();
    Throwable e = client.resource(Resource.PROJECT).get("p1").materialize().block(T).getThrowable();

    assertThat(e).isInstanceOf(BraintrustApiException.class);
    assertThat(((BraintrustApiException) e).status()).isEqualTo(status);
    assertThat(((BraintrustApiException) e).isRetryable()).isTrue();
    assertThat(server.requests()).hasSize(3);
  }
}

package dev.braintrust.reactive.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/**
 * Drives the dev server as the Braintrust Playground does (spec {@code remote-evals}): a CORS
 * preflight, {@code GET /list} with the caller's key and org, then {@code POST /eval} with
 * parameters, reading the server-sent events; every answer's shape is checked field by field.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class DevServerPlaygroundTest {
  static final Duration T = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();
  static final String APP = "https://www.braintrust.dev";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(T).build();
  private final List<Map<String, Object>> taskSaw = new CopyOnWriteArrayList<>();
  private DevServer dev;
  private BraintrustTestServer server;

  @BeforeEach
  void start(BraintrustTestServer server) {
    this.server = server;
    RemoteEval suffixer =
        RemoteEval.builder("suffixer")
            .parameter("suffix", Parameter.data("", "Appended to the input"))
            .parameter("model", Parameter.model("gpt-4o-mini", "Model to use"))
            .task(
                (input, params) -> {
                  taskSaw.add(new java.util.HashMap<>(params.asMap()));
                  return Mono.just(input.asText() + params.string("suffix", ""));
                })
            .scorer(Scorer.of("exact", (c, out) -> out.equals(c.expected()) ? 1.0 : 0.0))
            .scorerWith(
                params ->
                    Scorer.of(
                        "long_enough",
                        (c, out) -> out.asText().length() >= params.number("min", 0) ? 1.0 : 0.0))
            .build();
    RemoteEval plain =
        RemoteEval.builder("plain")
            .task((input, params) -> Mono.just(input))
            .scorer(Scorer.of("same", (c, out) -> 1.0))
            .build();
    dev =
        DevServer.builder()
            .evaluator(suffixer)
            .evaluator(plain)
            .port(0)
            .apiUrl(server.baseUrl())
            .appUrl(APP)
            .clientConfig(b -> b.backoff(Duration.ofMillis(1), Duration.ofMillis(5)))
            .start();
  }

  @AfterEach
  void stop() {
    dev.close();
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(dev.url() + path)).timeout(T).header("Origin", APP);
  }

  HttpRequest.Builder authed(String path) {
    return request(path)
        .header("Authorization", "Bearer " + server.apiKey())
        .header("x-bt-org-name", server.orgName());
  }

  HttpResponse<String> send(HttpRequest r) throws Exception {
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  static Set<String> keys(JsonNode n) {
    Set<String> k = new TreeSet<>();
    n.fieldNames().forEachRemaining(k::add);
    return k;
  }

  @Test
  void thePreflightAllowsTheAppAndRefusesOtherOrigins() throws Exception {
    HttpResponse<String> ok =
        send(
            request("/list")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Private-Network", "true")
                .build());
    assertThat(ok.statusCode()).isEqualTo(204);
    assertThat(ok.headers().firstValue("access-control-allow-origin")).hasValue(APP);
    assertThat(ok.headers().firstValue("access-control-allow-headers").orElse(""))
        .contains("X-Bt-Org-Name")
        .contains("X-Bt-Auth-Token");
    assertThat(ok.headers().firstValue("access-control-allow-private-network")).hasValue("true");

    HttpResponse<String> evil =
        send(
            HttpRequest.newBuilder(URI.create(dev.url() + "/list"))
                .timeout(T)
                .header("Origin", "https://evil.example")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(evil.statusCode()).isEqualTo(403);
  }

  @Test
  void listNeedsTheCallersKeyAndOrg() throws Exception {
    HttpResponse<String> none = send(request("/list").GET().build());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(none.body()).get("error").asText()).contains("missing authentication");

    HttpResponse<String> wrongKey =
        send(request("/list").header("Authorization", "Bearer not-the-key").GET().build());
    assertThat(wrongKey.statusCode()).isEqualTo(401);

    HttpResponse<String> wrongOrg =
        send(
            request("/list")
                .header("x-bt-auth-token", server.apiKey())
                .header("x-bt-org-name", "someone-else")
                .GET()
                .build());
    assertThat(wrongOrg.statusCode()).isEqualTo(401);
    assertThat(wrongOrg.body()).contains("no organization named 'someone-else'");
  }

  @Test
  void listNamesEachEvaluatorWithItsScorersAndParameterSchemas() throws Exception {
    HttpResponse<String> r = send(authed("/list").GET().build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue(APP);
    JsonNode list = JSON.readTree(r.body());
    assertThat(keys(list)).containsExactly("plain", "suffixer");

    JsonNode suffixer = list.get("suffixer");
    assertThat(keys(suffixer)).containsExactly("parameters", "scores");
    assertThat(suffixer.get("scores"))
        .extracting(n -> n.get("name").asText())
        .containsExactly("exact", "long_enough");
    JsonNode params = suffixer.get("parameters");
    assertThat(keys(params)).containsExactly("schema", "source", "type");
    assertThat(params.get("type").asText()).isEqualTo("braintrust.staticParameters");
    assertThat(params.get("source").isNull()).isTrue();
    assertThat(keys(params.get("schema"))).containsExactly("model", "suffix");
    JsonNode suffix = params.at("/schema/suffix");
    assertThat(keys(suffix)).containsExactly("default", "description", "schema", "type");
    assertThat(suffix.get("type").asText()).isEqualTo("data");
    assertThat(suffix.at("/schema/type").asText()).isEqualTo("string");
    assertThat(suffix.get("default").asText()).isEmpty();
    assertThat(suffix.get("description").asText()).isEqualTo("Appended to the input");
    assertThat(params.at("/schema/model/type").asText()).isEqualTo("model");

    assertThat(list.get("plain").get("parameters").isNull()).isTrue();

    // POST works too, as the Playground may send it.
    assertThat(send(authed("/list").POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode())
        .isEqualTo(200);
  }

  /** One server-sent event. */
  record Sse(String event, String data) {}

  List<Sse> events(String body) {
    List<Sse> out = new ArrayList<>();
    for (String frame : body.split("\n\n")) {
      if (frame.isBlank()) {
        continue;
      }
      String event = null;
      List<String> data = new ArrayList<>();
      for (String line : frame.split("\n")) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data:")) {
          data.add(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
        } else {
          throw new AssertionError("not an SSE line: '" + line + "' in " + body);
        }
      }
      assertThat(event).as("frame without an event name: %s", frame).isNotNull();
      out.add(new Sse(event, String.join("\n", data)));
    }
    return out;
  }

  HttpResponse<String> eval(String body, String projectId) throws Exception {
    return send(
        authed("/eval")
            .header("Content-Type", "application/json")
            .header("x-bt-project-id", projectId)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  @Test
  void anEvalRunStreamsAProgressEventPerCaseThenTheSummaryThenDone() throws Exception {
    String pid = server.createProject("playground");
    String body =
        """
        {"name": "suffixer",
         "parameters": {"suffix": "!", "extra": 7},
         "data": {"data": [
           {"input": "hello", "expected": "hello!"},
           {"input": "bye", "expected": "bye?", "metadata": {"k": "v"}, "tags": ["t"]}]},
         "experiment_name": "from-playground",
         "parent": {"object_type": "playground_logs", "object_id": "pg-1"},
         "stream": true}
        """;
    HttpResponse<String> r = eval(body, pid);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");

    List<Sse> events = events(r.body());
    assertThat(events)
        .extracting(Sse::event)
        .containsExactly("progress", "progress", "summary", "done");
    assertThat(events.get(3).data()).isEmpty();

    String eid = server.experimentId(pid, "from-playground");
    List<ObjectNode> rows = server.experimentRows(eid);
    Set<String> evalSpanIds =
        EvalRunTest.byType(rows, "eval").stream()
            .map(n -> n.get("span_id").asText())
            .collect(Collectors.toSet());
    Set<String> outputs = new TreeSet<>();
    for (Sse p : events.subList(0, 2)) {
      JsonNode n = JSON.readTree(p.data());
      assertThat(keys(n))
          .containsExactly("data", "event", "format", "id", "name", "object_type", "output_type");
      assertThat(n.get("object_type").asText()).isEqualTo("task");
      assertThat(n.get("name").asText()).isEqualTo("suffixer");
      assertThat(n.get("format").asText()).isEqualTo("code");
      assertThat(n.get("output_type").asText()).isEqualTo("completion");
      assertThat(n.get("event").asText()).isEqualTo("json_delta");
      // data is the output as a JSON string, and id the case's eval span.
      assertThat(n.get("data").isTextual()).isTrue();
      outputs.add(JSON.readTree(n.get("data").asText()).asText());
      assertThat(evalSpanIds).contains(n.get("id").asText());
    }
    assertThat(outputs).containsExactly("bye!", "hello!");

    JsonNode summary = JSON.readTree(events.get(2).data());
    assertThat(keys(summary))
        .containsExactly(
            "comparisonExperimentName",
            "experimentId",
            "experimentName",
            "experimentUrl",
            "metrics",
            "projectId",
            "projectName",
            "projectUrl",
            "scores");
    assertThat(summary.get("projectName").asText()).isEqualTo("playground");
    assertThat(summary.get("projectId").asText()).isEqualTo(pid);
    assertThat(summary.get("experimentName").asText()).isEqualTo("from-playground");
    assertThat(summary.get("experimentId").asText()).isEqualTo(eid);
    JsonNode exact = summary.at("/scores/exact");
    assertThat(keys(exact))
        .containsExactly(
            "_longest_score_name", "diff", "improvements", "name", "regressions", "score");
    assertThat(exact.get("score").asDouble()).isEqualTo(0.5);
    assertThat(exact.get("name").asText()).isEqualTo("exact");

    // Parameters: the sent ones over the defaults, unknown ones passed through.
    assertThat(taskSaw).hasSize(2);
    assertThat(taskSaw.get(0))
        .containsEntry("suffix", "!")
        .containsEntry("model", "gpt-4o-mini")
        .containsEntry("extra", 7);
    ObjectNode bye =
        EvalRunTest.byType(rows, "eval").stream()
            .filter(n -> n.get("input").asText().equals("bye"))
            .findFirst()
            .get();
    assertThat(bye.at("/metadata/k").asText()).isEqualTo("v");
    assertThat(bye.get("tags")).extracting(JsonNode::asText).containsExactly("t");
  }

  @Test
  void absentNullOrEmptyParametersRunWithTheDefaults() throws Exception {
    String pid = server.createProject("playground");
    for (String params : List.of("", "\"parameters\": null,", "\"parameters\": {},")) {
      HttpResponse<String> r =
          eval(
              "{\"name\": \"suffixer\", "
                  + params
                  + " \"data\": {\"data\": [{\"input\": \"a\"}]}, \"stream\": true}",
              pid);
      assertThat(events(r.body())).extracting(Sse::event).endsWith("summary", "done");
    }
    assertThat(taskSaw).hasSize(3).allSatisfy(p -> assertThat(p).containsEntry("suffix", ""));
  }

  @Test
  void aDatasetRunCarriesEachCasesOriginInItsProgressEvent() throws Exception {
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    try {
      String pid = server.createProject("playground");
      String did = server.createDataset(pid, "golden");
      client
          .rows(Destination.dataset(did))
          .insert(List.of(Map.of("id", "r1", "input", "x", "expected", "x!")))
          .block(T);
      HttpResponse<String> r =
          eval(
              "{\"name\": \"suffixer\", \"parameters\": {\"suffix\": \"!\"}, \"data\":"
                  + " {\"dataset_id\": \""
                  + did
                  + "\"}, \"stream\": true}",
              pid);
      List<Sse> events = events(r.body());
      assertThat(events).extracting(Sse::event).containsExactly("progress", "summary", "done");
      JsonNode origin = JSON.readTree(events.get(0).data()).get("origin");
      assertThat(origin.get("object_type").asText()).isEqualTo("dataset");
      assertThat(origin.get("object_id").asText()).isEqualTo(did);
      assertThat(origin.get("id").asText()).isEqualTo("r1");
      assertThat(JSON.readTree(events.get(1).data()).at("/scores/exact/score").asDouble())
          .isEqualTo(1.0);
    } finally {
      client.close();
    }
  }

  @Test
  void badRequestsAreRefusedWithAStatusAndAMessage() throws Exception {
    String pid = server.createProject("playground");
    HttpResponse<String> unknown =
        eval("{\"name\": \"nope\", \"data\": {\"data\": [{\"input\": 1}]}, \"stream\": true}", pid);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("error").asText()).contains("'nope'");

    HttpResponse<String> params =
        eval(
            "{\"name\": \"suffixer\", \"parameters\": [1], \"data\": {\"data\": [{\"input\": 1}]}}",
            pid);
    assertThat(params.statusCode()).isEqualTo(400);
    assertThat(params.body()).contains("'parameters' must be a JSON object");

    HttpResponse<String> noData = eval("{\"name\": \"suffixer\", \"data\": {}}", pid);
    assertThat(noData.statusCode()).isEqualTo(400);

    HttpResponse<String> noAuth =
        send(request("/eval").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(noAuth.statusCode()).isEqualTo(401);
  }
}

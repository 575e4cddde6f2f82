package dev.braintrust.reactive.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.eval.internal.CaseOutcome;
import dev.braintrust.reactive.eval.internal.ClientCache;
import dev.braintrust.reactive.eval.internal.DevServerHttp;
import dev.braintrust.reactive.eval.internal.RequestRefused;
import dev.braintrust.reactive.transport.BraintrustApiException;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/** The dev server's endpoints; see {@link DevServer}. */
final class DevServerRoutes {
  private static final LibraryLog LOG = LibraryLog.get(DevServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, RemoteEval> evaluators;
  private final ClientCache clients;
  private final DevServerHttp http;

  DevServerRoutes(DevServerBuilder b) {
    this.evaluators = Map.copyOf(b.evaluators);
    this.clients = new ClientCache(b.apiUrl, b.clientConfig, 32);
    this.http = new DevServerHttp(b.appUrl, b.allowedOrigins);
  }

  void register(HttpServerRoutes routes) {
    routes
        .options("/**", http::preflight)
        .get("/", (req, res) -> http.text(req, res, 200, "Hello, world!"))
        .get("/list", this::list)
        .post("/list", this::list)
        .post("/eval", this::eval);
  }

  void close() {
    clients.close();
  }

  /** The caller's client, once its key (and organization, if named) checked out; else null. */
  private Mono<BraintrustClient> authenticate(HttpServerRequest req) {
    String key = DevServerHttp.apiKey(req);
    if (key == null) {
      return Mono.error(
          new RequestRefused(
              401,
              "missing authentication: send x-bt-auth-token or Authorization: Bearer <Braintrust API key>"));
    }
    String org = req.requestHeaders().get("x-bt-org-name");
    BraintrustClient client = clients.get(key, org == null || org.isBlank() ? null : org);
    return client
        .login()
        .onErrorMap(
            e ->
                e instanceof BraintrustApiException && ((BraintrustApiException) e).status() == 401,
            e -> new RequestRefused(401, "the Braintrust API refused the key"))
        .flatMap(
            login ->
                org != null && !org.isBlank() && login.org(org) == null
                    ? Mono.error(
                        new RequestRefused(401, "the key has no organization named '" + org + "'"))
                    : Mono.just(client));
  }

  private Publisher<Void> list(HttpServerRequest req, HttpServerResponse res) {
    return authenticate(req)
        .flatMap(
            client -> {
              ObjectNode out = JSON.createObjectNode();
              evaluators.forEach((name, e) -> out.set(name, describe(e)));
              return Mono.from(http.json(req, res, 200, out));
            })
        .onErrorResume(e -> Mono.from(http.failure(req, res, e)));
  }

  private static ObjectNode describe(RemoteEval e) {
    ObjectNode n = JSON.createObjectNode();
    ArrayNode scores = n.putArray("scores");
    e.scorerNames().forEach(s -> scores.addObject().put("name", s));
    if (e.parameters().isEmpty()) {
      n.putNull("parameters");
      return n;
    }
    ObjectNode container = n.putObject("parameters");
    container.put("type", "braintrust.staticParameters");
    ObjectNode schema = container.putObject("schema");
    e.parameters()
        .forEach(
            (name, p) -> {
              ObjectNode d = schema.putObject(name);
              d.put("type", p.type());
              if (p.schema() != null) {
                d.set("schema", JSON.valueToTree(p.schema()));
              }
              if (p.defaultValue() != null) {
                d.set("default", JSON.valueToTree(p.defaultValue()));
              }
              if (p.description() != null) {
                d.put("description", p.description());
              }
            });
    container.putNull("source");
    return n;
  }

  private Publisher<Void> eval(HttpServerRequest req, HttpServerResponse res) {
    return authenticate(req)
        .zipWith(req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty(""))
        .flatMap(
            t -> {
              EvalRequest r =
                  EvalRequest.parse(t.getT2(), req.requestHeaders().get("x-bt-project-id"));
              RemoteEval e = evaluators.get(r.name());
              if (e == null) {
                return Mono.error(new RequestRefused(404, "no evaluator named '" + r.name() + "'"));
              }
              return Mono.just(start(req, res, t.getT1(), r, e));
            })
        .flatMap(Mono::from)
        .onErrorResume(e -> Mono.from(http.failure(req, res, e)));
  }

  private Publisher<Void> start(
      HttpServerRequest req,
      HttpServerResponse res,
      BraintrustClient client,
      EvalRequest r,
      RemoteEval e) {
    Flux<String> events =
        Flux.create(
            sink -> {
              reactor.core.Disposable run =
                  client
                      .projects()
                      .get(r.projectId())
                      .flatMap(
                          project ->
                              e.run(
                                      client,
                                      project.name(),
                                      r.experimentName() != null ? r.experimentName() : e.name(),
                                      r.cases(client),
                                      r.parameters(),
                                      o -> sink.next(progress(e.name(), o)))
                                  .map(result -> summary(project.id(), result)))
                      .subscribe(
                          summary -> {
                            sink.next(DevServerHttp.event("summary", summary));
                            sink.next(DevServerHttp.event("done", ""));
                            sink.complete();
                          },
                          err -> {
                            LOG.warn("remote eval '{}' failed: {}", e.name(), err.toString());
                            sink.next(
                                DevServerHttp.event("error", String.valueOf(err.getMessage())));
                            sink.complete();
                          });
              // The Playground went away: stop the run.
              sink.onDispose(run);
            });
    if (!r.stream()) {
      // Without stream: the summary as one JSON answer.
      return events
          .filter(ev -> ev.startsWith("event: summary"))
          .next()
          .flatMap(
              ev ->
                  Mono.from(
                      http.rawJson(req, res, 200, ev.substring(ev.indexOf("data: ") + 6).trim())));
    }
    return http.sse(req, res, events);
  }

  private static String progress(String evaluator, CaseOutcome o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", o.evalSpanId());
    n.put("object_type", "task");
    if (o.origin() != null) {
      n.set("origin", JSON.valueToTree(o.origin().toMap()));
    }
    n.put("name", evaluator);
    n.put("format", "code");
    n.put("output_type", "completion");
    n.put("event", "json_delta");
    n.put("data", write(o.output()));
    return DevServerHttp.event("progress", write(n));
  }

  private static String summary(String projectId, EvalResult r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("projectName", r.projectName());
    n.put("projectId", projectId);
    n.put("experimentId", r.experimentId());
    n.put("experimentName", r.experimentName());
    n.putNull("projectUrl");
    n.put("experimentUrl", r.experimentUrl());
    n.put("comparisonExperimentName", r.baseExperimentName());
    ObjectNode scores = n.putObject("scores");
    r.scores()
        .forEach(
            (name, s) -> {
              ObjectNode sn = scores.putObject(name);
              sn.put("name", name);
              sn.put("_longest_score_name", name.length());
              sn.put("score", s.mean());
              sn.put("improvements", s.improvements() == null ? 0 : s.improvements());
              sn.put("regressions", s.regressions() == null ? 0 : s.regressions());
              sn.set(
                  "diff",
                  s.diff() == null ? JSON.nullNode() : JSON.getNodeFactory().numberNode(s.diff()));
            });
    n.putObject("metrics");
    return write(n);
  }

  private static String write(@Nullable Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalArgumentException("the output is not JSON-writable: " + ex.getMessage(), ex);
    }
  }

  /** The body of {@code POST /eval}. */
  record EvalRequest(
      String name,
      Map<String, @Nullable Object> parameters,
      JsonNode data,
      @Nullable String experimentName,
      String projectId,
      boolean stream) {

    static EvalRequest parse(String body, @Nullable String headerProject) {
      JsonNode n;
      try {
        n = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new RequestRefused(400, "the body is not JSON: " + e.getOriginalMessage());
      }
      if (!n.isObject()) {
        throw new RequestRefused(400, "the body must be a JSON object");
      }
      String name = n.path("name").asText("");
      if (name.isBlank()) {
        throw new RequestRefused(400, "'name' (the evaluator) is required");
      }
      JsonNode params = n.path("parameters");
      Map<String, @Nullable Object> values = new LinkedHashMap<>();
      if (!params.isMissingNode() && !params.isNull()) {
        if (!params.isObject()) {
          throw new RequestRefused(
              400, "'parameters' must be a JSON object, got " + params.getNodeType());
        }
        values.putAll(JSON.convertValue(params, Map.class));
      }
      JsonNode data = n.path("data");
      boolean inline = data.path("data").isArray();
      boolean byName =
          data.path("project_name").isTextual() && data.path("dataset_name").isTextual();
      boolean byId = data.path("dataset_id").isTextual();
      int ways = (inline ? 1 : 0) + (byName ? 1 : 0) + (byId ? 1 : 0);
      if (ways != 1) {
        throw new RequestRefused(
            400,
            "'data' needs exactly one of: data (inline cases), project_name + dataset_name,"
                + " dataset_id");
      }
      String project = n.path("project_id").asText(headerProject == null ? "" : headerProject);
      if (project.isBlank()) {
        throw new RequestRefused(400, "the project is required: 'project_id' or x-bt-project-id");
      }
      String experiment =
          n.path("experiment_name").isTextual() ? n.get("experiment_name").asText() : null;
      return new EvalRequest(
          name, values, data, experiment, project, n.path("stream").asBoolean(false));
    }

    /** The cases, inline or from the dataset at its requested (or head) version. */
    Flux<EvalCase<JsonNode, JsonNode>> cases(BraintrustClient client) {
      DatasetVersion v =
          data.path("dataset_version").isTextual()
              ? DatasetVersion.version(data.get("dataset_version").asText())
              : data.path("dataset_environment").isTextual()
                  ? DatasetVersion.environment(data.get("dataset_environment").asText())
                  : DatasetVersion.head();
      if (data.path("dataset_id").isTextual()) {
        return EvalData.datasetById(client, data.get("dataset_id").asText(), v, 100);
      }
      if (data.path("dataset_name").isTextual()) {
        return EvalData.dataset(
            client, data.get("project_name").asText(), data.get("dataset_name").asText(), v, 100);
      }
      List<EvalCase<JsonNode, JsonNode>> cases = new java.util.ArrayList<>();
      for (JsonNode c : data.get("data")) {
        Map<String, Object> metadata =
            c.path("metadata").isObject()
                ? JSON.convertValue(c.get("metadata"), Map.class)
                : Map.of();
        List<String> tags = new java.util.ArrayList<>();
        c.path("tags").forEach(t -> tags.add(t.asText()));
        JsonNode expected = c.path("expected");
        cases.add(
            new EvalCase<>(
                c.path("input"),
                expected.isMissingNode() || expected.isNull() ? null : expected,
                metadata,
                tags));
      }
      return Flux.fromIterable(cases);
    }
  }
}

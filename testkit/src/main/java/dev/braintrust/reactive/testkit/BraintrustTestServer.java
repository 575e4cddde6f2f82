package dev.braintrust.reactive.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.internal.EventValidator;
import dev.braintrust.reactive.testkit.internal.EventValidator.BadRequest;
import dev.braintrust.reactive.testkit.internal.FakeModel;
import dev.braintrust.reactive.testkit.internal.Store;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * An in-process, Braintrust-compatible API server on Reactor Netty, for tests and offline quick
 * starts. It checks the Bearer key, accepts gzip bodies, validates events against the API's
 * shapes, stores rows with upsert/merge semantics, pages fetches by cursor, answers the AI proxy
 * with a deterministic fake model, records every request, and injects scripted faults.
 *
 * <pre>{@code
 * try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
 *   String url = server.baseUrl();   // http://127.0.0.1:PORT
 *   ...
 *   List<ObjectNode> rows = server.projectLogs(server.projectId("my-project"));
 * }
 * }</pre>
 */
public final class BraintrustTestServer implements AutoCloseable {
  /** The API key the server accepts unless told otherwise. */
  public static final String DEFAULT_API_KEY = "test-key";

  private static final Pattern COLLECTION = Pattern.compile("^/v1/(project|experiment|dataset)$");
  private static final Pattern OBJECT = Pattern.compile("^/v1/(project|experiment|dataset)/([^/]+)$");
  private static final Pattern ROWS =
      Pattern.compile("^/v1/(project_logs|experiment|dataset)/([^/]+)/(insert|fetch|feedback|summarize)$");
  private static final Pattern INVOKE = Pattern.compile("^/v1/function/([^/]+)/invoke$");

  private final ObjectMapper mapper = new ObjectMapper();
  private final String apiKey;
  private final String host;
  private final int requestedPort;
  private final boolean acceptGzip;
  private final long maxBodyBytes;
  private final boolean retainRows;
  private final Map<String, java.util.Set<String>> idsOnly = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile int boundPort;
  private final Store store;
  private final FakeModel model;
  private final FaultInjector faults = new FaultInjector();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger streamsCompleted = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger streamsAborted = new java.util.concurrent.atomic.AtomicInteger();
  private volatile Duration sseEventDelay = Duration.ZERO;
  private volatile @Nullable DisposableServer server;

  private BraintrustTestServer(Builder b) {
    this.apiKey = b.apiKey;
    this.host = b.host;
    this.requestedPort = b.port;
    this.acceptGzip = b.acceptGzip;
    this.maxBodyBytes = b.maxBodyBytes;
    this.retainRows = b.retainRows;
    this.store = new Store(mapper, b.persistTo);
    this.model = new FakeModel(mapper);
  }

  /** A builder with defaults: loopback, a free port, key {@value #DEFAULT_API_KEY}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Binds and starts serving; after {@link #stop()} it binds the same port again. */
  public synchronized BraintrustTestServer start() {
    if (server == null) {
      int port = boundPort != 0 ? boundPort : requestedPort;
      DisposableServer s = HttpServer.create().host(host).port(port).handle(this::handle).bindNow();
      boundPort = s.port();
      server = s;
    }
    return this;
  }

  /** Stops listening but keeps all data, to simulate an outage; {@link #start()} resumes. */
  public synchronized void stop() {
    DisposableServer s = server;
    server = null;
    if (s != null) {
      s.disposeNow(Duration.ofSeconds(5));
    }
  }

  /** Stops the server and closes the persistence file. */
  @Override
  public synchronized void close() {
    DisposableServer s = server;
    server = null;
    if (s != null) {
      s.disposeNow(Duration.ofSeconds(5));
    }
    store.close();
  }

  /** The bound port (kept while stopped). */
  public int port() {
    if (boundPort == 0) {
      throw new IllegalStateException("the test server was never started");
    }
    return boundPort;
  }

  /** {@code http://host:port}, the value for a client's base URL. */
  public String baseUrl() {
    return "http://" + host + ":" + port();
  }

  /** The accepted API key. */
  public String apiKey() {
    return apiKey;
  }

  /** The fault injector. */
  public FaultInjector faults() {
    return faults;
  }

  /** Queues a scripted reply for the fake model; unscripted calls echo the last user message. */
  public BraintrustTestServer scriptModelReply(String reply) {
    model.script(reply);
    return this;
  }

  /** Pauses between Server-Sent Events, so tests can cancel a stream half way (default none). */
  public BraintrustTestServer sseEventDelay(Duration delay) {
    this.sseEventDelay = Objects.requireNonNull(delay);
    return this;
  }

  /** Event streams sent to the end. */
  public int streamsCompleted() {
    return streamsCompleted.get();
  }

  /** Event streams cut short because the client went away. */
  public int streamsAborted() {
    return streamsAborted.get();
  }

  /** Forgets rows, requests, faults, scripted replies and stream counts; keeps projects. */
  public void reset() {
    store.clearRows();
    idsOnly.clear();
    requests.clear();
    faults.clear();
    model.clear();
    streamsCompleted.set(0);
    streamsAborted.set(0);
    sseEventDelay = Duration.ZERO;
  }

  // ---------------------------------------------------------------- read back

  /** Every request received, in order of answer. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** Requests whose path contains {@code fragment}. */
  public List<RecordedRequest> requests(String fragment) {
    List<RecordedRequest> out = new ArrayList<>();
    for (RecordedRequest r : requests) {
      if (r.path().contains(fragment)) {
        out.add(r);
      }
    }
    return out;
  }

  /** Creates (or gets) a project and returns its id. */
  public String createProject(String name) {
    return store.getOrCreate("project", name, null, null).get("id").asText();
  }

  /** Creates (or gets) an experiment in a project and returns its id. */
  public String createExperiment(String projectId, String name) {
    return store.getOrCreate("experiment", name, projectId, null).get("id").asText();
  }

  /** Creates (or gets) a dataset in a project and returns its id. */
  public String createDataset(String projectId, String name) {
    return store.getOrCreate("dataset", name, projectId, null).get("id").asText();
  }

  /** The id of the project with this name, or null. */
  public @Nullable String projectId(String name) {
    List<ObjectNode> found = store.list("project", name, null);
    return found.isEmpty() ? null : found.get(0).get("id").asText();
  }

  /** The id of the experiment with this name in the project, or null. */
  public @Nullable String experimentId(String projectId, String name) {
    List<ObjectNode> found = store.list("experiment", name, projectId);
    return found.isEmpty() ? null : found.get(0).get("id").asText();
  }

  /** Stored rows of a project's logs, in transaction order. */
  public List<ObjectNode> projectLogs(String projectId) {
    return store.rows(Store.key("project_logs", projectId));
  }

  /** Stored rows of an experiment. */
  public List<ObjectNode> experimentRows(String experimentId) {
    return store.rows(Store.key("experiment", experimentId));
  }

  /** Stored rows of a dataset. */
  public List<ObjectNode> datasetRows(String datasetId) {
    return store.rows(Store.key("dataset", datasetId));
  }

  /**
   * Distinct row ids received for an object ({@code kind} is {@code project_logs}, {@code
   * experiment} or {@code dataset}); works whether or not rows are retained.
   */
  public java.util.Set<String> rowIds(String kind, String id) {
    String key = Store.key(kind, id);
    if (!retainRows) {
      return java.util.Set.copyOf(idsOnly.getOrDefault(key, java.util.Set.of()));
    }
    java.util.Set<String> ids = new java.util.HashSet<>();
    store.rows(key).forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  /** Every stored row across all objects. */
  public List<ObjectNode> allRows() {
    List<ObjectNode> out = new ArrayList<>();
    for (String k : store.objectKeys()) {
      out.addAll(store.rows(k));
    }
    return out;
  }

  /** Feedback items received for {@code kind} ({@code project_logs}, ...) and id. */
  public List<ObjectNode> feedback(String kind, String id) {
    return store.feedbackItems(Store.key(kind, id));
  }

  // ---------------------------------------------------------------- serving

  private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
    String uri = req.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? "" : uri.substring(q + 1);
    Map<String, String> headers = new LinkedHashMap<>();
    req.requestHeaders().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    String method = req.method().name();
    return req.receive()
        .aggregate()
        .asByteArray()
        .defaultIfEmpty(new byte[0])
        .flatMap(
            wire -> {
              Fault fault = faults.next(path);
              Mono<Void> wait =
                  fault != null && !fault.delayTime().isZero()
                      ? Mono.delay(fault.delayTime()).then()
                      : Mono.empty();
              return wait.then(
                  Mono.defer(
                      () -> {
                        if (fault != null && fault.isDisconnect()) {
                          requests.add(new RecordedRequest(method, path, query, headers, wire, wire.length, -1));
                          return res.withConnection(c -> c.channel().close()).then();
                        }
                        Exchange ex = new Exchange(method, path, query, headers, wire);
                        Reply reply;
                        if (fault != null && fault.statusCode() > 0) {
                          reply = faultReply(fault);
                        } else {
                          reply = serve(ex);
                        }
                        requests.add(new RecordedRequest(method, path, query, headers,
                            retainRows ? ex.body : new byte[0], wire.length, reply.status));
                        return send(res, reply);
                      }));
            });
  }

  private Mono<Void> send(HttpServerResponse res, Reply reply) {
    res.status(HttpResponseStatus.valueOf(reply.status));
    reply.headers.forEach(res::header);
    if (reply.sse != null) {
      res.header("content-type", "text/event-stream");
      res.header("cache-control", "no-cache");
      Duration pause = sseEventDelay;
      // One write per event, each cut in two, so clients must reassemble events across packets.
      Flux<String> parts = Flux.fromIterable(reply.sse)
          .map(d -> "data: " + d + "\n\n")
          .concatMap(e -> {
            int mid = e.length() / 2;
            Flux<String> halves = Flux.just(e.substring(0, mid), e.substring(mid));
            return pause.isZero() ? halves : halves.delayElements(pause);
          });
      // Judged on the parts themselves: Netty completes the send quietly when the peer leaves.
      Flux<String> watched = parts
          .doOnComplete(streamsCompleted::incrementAndGet)
          .doOnCancel(streamsAborted::incrementAndGet);
      return res.sendString(watched, StandardCharsets.UTF_8).then();
    }
    res.header("content-type", "application/json");
    return res.sendByteArray(Mono.just(reply.body)).then();
  }

  private Reply faultReply(Fault fault) {
    String body = fault.bodyText() != null
        ? fault.bodyText()
        : error("injected fault: status " + fault.statusCode());
    Reply r = new Reply(fault.statusCode(), body.getBytes(StandardCharsets.UTF_8));
    r.headers.putAll(fault.headers());
    return r;
  }

  /** One request being served. */
  private static final class Exchange {
    final String method;
    final String path;
    final String query;
    final Map<String, String> headers;
    byte[] body;

    Exchange(String method, String path, String query, Map<String, String> headers, byte[] body) {
      this.method = method;
      this.path = path;
      this.query = query;
      this.headers = headers;
      this.body = body;
    }

    @Nullable String param(String name) {
      for (String kv : query.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0 && kv.substring(0, eq).equals(name)) {
          return java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
      return null;
    }
  }

  /** A response being built. */
  private static final class Reply {
    final int status;
    final byte[] body;
    final Map<String, String> headers = new HashMap<>();
    @Nullable List<String> sse;

    Reply(int status, byte[] body) {
      this.status = status;
      this.body = body;
    }
  }

  private Reply json(int status, Object body) {
    try {
      return new Reply(status, mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Reply fail(int status, String message) {
    return new Reply(status, error(message).getBytes(StandardCharsets.UTF_8));
  }

  private String error(String message) {
    ObjectNode n = mapper.createObjectNode();
    n.put("error", message);
    return n.toString();
  }

  private Reply serve(Exchange ex) {
    String auth = ex.headers.get("authorization");
    if (auth == null) {
      return fail(401, "missing Authorization header; expected 'Bearer <API key>'");
    }
    if (!auth.equals("Bearer " + apiKey)) {
      return fail(401, "invalid API key");
    }
    String encoding = ex.headers.get("content-encoding");
    if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
      if (!encoding.equalsIgnoreCase("gzip") || !acceptGzip) {
        return fail(415, "unsupported Content-Encoding '" + encoding + "'");
      }
      try {
        ex.body = gunzip(ex.body);
      } catch (IOException e) {
        return fail(400, "request body is not valid gzip: " + e.getMessage());
      }
    }
    if (ex.body.length > maxBodyBytes) {
      return fail(413, "request body of " + ex.body.length + " bytes exceeds the limit of "
          + maxBodyBytes + " bytes");
    }
    JsonNode body;
    try {
      body = ex.body.length == 0 ? mapper.createObjectNode() : mapper.readTree(ex.body);
      if (body == null) {
        body = mapper.createObjectNode();
      }
    } catch (JsonProcessingException e) {
      return fail(400, "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return fail(400, "unreadable body: " + e.getMessage());
    }
    try {
      return route(ex, body);
    } catch (BadRequest e) {
      return fail(400, e.getMessage());
    }
  }

  private Reply route(Exchange ex, JsonNode body) {
    Matcher m;
    if ((m = ROWS.matcher(ex.path)).matches()) {
      return rows(ex, m.group(1), m.group(2), m.group(3), body);
    }
    if ((m = COLLECTION.matcher(ex.path)).matches()) {
      return collection(ex, m.group(1), body);
    }
    if ((m = OBJECT.matcher(ex.path)).matches()) {
      return object(ex, m.group(1), m.group(2), body);
    }
    if (ex.path.equals("/v1/proxy/chat/completions") && ex.method.equals("POST")) {
      return chat(body);
    }
    if (ex.path.equals("/v1/proxy/embeddings") && ex.method.equals("POST")) {
      if (!body.hasNonNull("model") || !body.has("input")) {
        throw new BadRequest("'model' and 'input' are required");
      }
      return json(200, model.embeddings(body));
    }
    if ((m = INVOKE.matcher(ex.path)).matches() && ex.method.equals("POST")) {
      return invoke(body, m.group(1));
    }
    if (ex.path.equals("/v1/function") && ex.method.equals("POST") && body.has("slug")) {
      if (!body.hasNonNull("project_name") && !body.hasNonNull("project_id")) {
        throw new BadRequest("'project_name' or 'project_id' is required with 'slug'");
      }
      return invoke(body, body.get("slug").asText());
    }
    return fail(404, "no route for " + ex.method + " " + ex.path);
  }

  private Reply collection(Exchange ex, String kind, JsonNode body) {
    if (ex.method.equals("POST")) {
      if (!body.hasNonNull("name") || body.get("name").asText().isBlank()) {
        throw new BadRequest("'name' is required");
      }
      String projectId = null;
      if (!kind.equals("project")) {
        if (!body.hasNonNull("project_id")) {
          throw new BadRequest("'project_id' is required");
        }
        projectId = body.get("project_id").asText();
        if (store.get("project", projectId) == null) {
          return fail(404, "project '" + projectId + "' not found");
        }
      }
      return json(200, store.getOrCreate(kind, body.get("name").asText(), projectId, body));
    }
    if (ex.method.equals("GET")) {
      String name = ex.param(kind + "_name");
      ObjectNode out = mapper.createObjectNode();
      ArrayNode objects = out.putArray("objects");
      List<ObjectNode> found = store.list(kind, name, ex.param("project_id"));
      String after = ex.param("starting_after");
      String before = ex.param("ending_before");
      if (after != null && before != null) {
        throw new BadRequest("only one of 'starting_after' and 'ending_before' may be given");
      }
      int limit = limitParam(ex.param("limit"));
      int from;
      int to;
      if (before != null) {
        to = indexOfId(found, before);
        from = Math.max(0, to - limit);
      } else {
        from = after == null ? 0 : indexOfId(found, after) + 1;
        to = (int) Math.min(found.size(), (long) from + limit);
      }
      found.subList(from, to).forEach(objects::add);
      return json(200, out);
    }
    return fail(405, "method " + ex.method + " not allowed on " + ex.path);
  }

  private static int limitParam(@Nullable String limit) {
    if (limit == null) {
      return Integer.MAX_VALUE;
    }
    try {
      int n = Integer.parseInt(limit);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadRequest("'limit' must be a non-negative integer, got '" + limit + "'");
  }

  private static int indexOfId(List<ObjectNode> objects, String id) {
    for (int i = 0; i < objects.size(); i++) {
      if (id.equals(objects.get(i).path("id").asText())) {
        return i;
      }
    }
    throw new BadRequest("pagination cursor '" + id + "' is not an object in this list");
  }

  private Reply object(Exchange ex, String kind, String id, JsonNode body) {
    ObjectNode found;
    switch (ex.method) {
      case "GET":
        found = store.get(kind, id);
        break;
      case "PATCH":
        found = store.patch(kind, id, body);
        break;
      case "DELETE":
        found = store.delete(kind, id);
        break;
      default:
        return fail(405, "method " + ex.method + " not allowed on " + ex.path);
    }
    return found == null ? fail(404, kind + " '" + id + "' not found") : json(200, found);
  }

  private Reply rows(Exchange ex, String kind, String id, String op, JsonNode body) {
    String objectKind = kind.equals("project_logs") ? "project" : kind;
    if (store.get(objectKind, id) == null) {
      return fail(404, objectKind + " '" + id + "' not found");
    }
    String key = Store.key(kind, id);
    switch (op) {
      case "insert": {
        if (!ex.method.equals("POST")) {
          return fail(405, "insert takes POST");
        }
        List<ObjectNode> events = EventValidator.events(body);
        List<String> ids;
        if (retainRows) {
          ids = store.insert(key, events);
        } else {
          ids = new ArrayList<>(events.size());
          java.util.Set<String> seen = idsOnly.computeIfAbsent(key, k -> java.util.concurrent.ConcurrentHashMap.newKeySet());
          for (ObjectNode e : events) {
            String rowId = e.hasNonNull("id") ? e.get("id").asText() : java.util.UUID.randomUUID().toString();
            seen.add(rowId);
            ids.add(rowId);
          }
        }
        ObjectNode out = mapper.createObjectNode();
        ArrayNode rowIds = out.putArray("row_ids");
        ids.forEach(rowIds::add);
        return json(200, out);
      }
      case "feedback":
        store.feedback(key, EventValidator.feedback(body));
        return json(200, mapper.createObjectNode());
      case "fetch":
        return fetch(ex, key, body);
      case "summarize":
        if (!kind.equals("experiment")) {
          return fail(404, "summarize is only for experiments");
        }
        return summarize(ex, id);
      default:
        return fail(404, "no route for " + ex.path);
    }
  }

  private Reply fetch(Exchange ex, String key, JsonNode body) {
    String limitText = ex.param("limit");
    int limit = body.hasNonNull("limit") ? body.get("limit").asInt()
        : limitText != null ? Integer.parseInt(limitText) : 100;
    if (limit <= 0) {
      throw new BadRequest("limit must be positive");
    }
    String cursor = body.hasNonNull("cursor") ? body.get("cursor").asText() : ex.param("cursor");
    int offset = 0;
    if (cursor != null && !cursor.isEmpty()) {
      try {
        offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new BadRequest("invalid cursor '" + cursor + "'");
      }
    }
    // Cursor offsets count rows after filtering, so pages of a filtered fetch don't overlap.
    List<ObjectNode> matching = filter(store.rows(key), body.get("filters"));
    ObjectNode out = mapper.createObjectNode();
    ArrayNode events = out.putArray("events");
    int end = Math.min(matching.size(), offset + limit);
    for (int i = offset; i < end; i++) {
      events.add(matching.get(i));
    }
    int next = end;
    if (next < matching.size()) {
      out.put("cursor", Base64.getUrlEncoder().withoutPadding()
          .encodeToString(Integer.toString(next).getBytes(StandardCharsets.UTF_8)));
    } else {
      out.putNull("cursor");
    }
    return json(200, out);
  }

  /** Path-lookup filters: {@code {"type":"path_lookup","path":["metadata","k"],"value":v}}. */
  private static List<ObjectNode> filter(List<ObjectNode> rows, @Nullable JsonNode filters) {
    if (filters == null || !filters.isArray() || filters.isEmpty()) {
      return rows;
    }
    List<ObjectNode> out = new ArrayList<>();
    outer:
    for (ObjectNode r : rows) {
      for (JsonNode f : filters) {
        JsonNode at = r;
        for (JsonNode p : f.path("path")) {
          at = at.path(p.asText());
        }
        if (!at.equals(f.get("value"))) {
          continue outer;
        }
      }
      out.add(r);
    }
    return out;
  }

  private Reply summarize(Exchange ex, String experimentId) {
    ObjectNode exp = Objects.requireNonNull(store.get("experiment", experimentId));
    ObjectNode project = store.get("project", exp.path("project_id").asText());
    ObjectNode out = mapper.createObjectNode();
    out.put("project_name", project == null ? "" : project.path("name").asText());
    out.put("experiment_name", exp.path("name").asText());
    out.put("project_url", "http://testkit/project");
    out.put("experiment_url", "http://testkit/experiment/" + experimentId);
    String comparisonId = ex.param("comparison_experiment_id");
    Map<String, double[]> mine = scoreTotals(experimentId);
    Map<String, Map<String, Double>> mineByInput = scoresByInput(experimentId);
    Map<String, double[]> theirs = Collections.emptyMap();
    Map<String, Map<String, Double>> theirsByInput = Collections.emptyMap();
    if (comparisonId != null) {
      ObjectNode comp = store.get("experiment", comparisonId);
      if (comp == null) {
        return fail(404, "experiment '" + comparisonId + "' not found");
      }
      out.put("comparison_experiment_name", comp.path("name").asText());
      theirs = scoreTotals(comparisonId);
      theirsByInput = scoresByInput(comparisonId);
    } else {
      out.putNull("comparison_experiment_name");
    }
    ObjectNode scores = out.putObject("scores");
    for (Map.Entry<String, double[]> s : mine.entrySet()) {
      String name = s.getKey();
      double avg = s.getValue()[0] / s.getValue()[1];
      ObjectNode n = scores.putObject(name);
      n.put("name", name);
      n.put("score", avg);
      double[] other = theirs.get(name);
      if (other != null) {
        n.put("diff", avg - other[0] / other[1]);
        int up = 0;
        int down = 0;
        for (Map.Entry<String, Map<String, Double>> row : mineByInput.entrySet()) {
          Double a = row.getValue().get(name);
          Map<String, Double> o = theirsByInput.get(row.getKey());
          Double b = o == null ? null : o.get(name);
          if (a != null && b != null) {
            if (a > b) {
              up++;
            } else if (a < b) {
              down++;
            }
          }
        }
        n.put("improvements", up);
        n.put("regressions", down);
      } else {
        n.putNull("diff");
        n.put("improvements", 0);
        n.put("regressions", 0);
      }
    }
    out.putObject("metrics");
    return json(200, out);
  }

  private Map<String, double[]> scoreTotals(String experimentId) {
    Map<String, double[]> totals = new LinkedHashMap<>();
    for (ObjectNode row : store.rows(Store.key("experiment", experimentId))) {
      for (Iterator<Map.Entry<String, JsonNode>> it = row.path("scores").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> s = it.next();
        if (s.getValue().isNumber()) {
          double[] t = totals.computeIfAbsent(s.getKey(), k -> new double[2]);
          t[0] += s.getValue().asDouble();
          t[1] += 1;
        }
      }
    }
    return totals;
  }

  private Map<String, Map<String, Double>> scoresByInput(String experimentId) {
    Map<String, Map<String, Double>> out = new HashMap<>();
    for (ObjectNode row : store.rows(Store.key("experiment", experimentId))) {
      Map<String, Double> s = new HashMap<>();
      row.path("scores").fields().forEachRemaining(e -> {
        if (e.getValue().isNumber()) {
          s.put(e.getKey(), e.getValue().asDouble());
        }
      });
      out.put(row.path("input").toString(), s);
    }
    return out;
  }

  private Reply chat(JsonNode body) {
    if (!body.hasNonNull("model") || !body.path("messages").isArray()) {
      throw new BadRequest("'model' and 'messages' are required");
    }
    String reply = model.reply(body);
    if (body.path("stream").asBoolean(false)) {
      Reply r = new Reply(200, new byte[0]);
      r.sse = model.chunks(body, reply);
      return r;
    }
    return json(200, model.completion(body, reply));
  }

  private Reply invoke(JsonNode body, String function) {
    // The fake function echoes its input, so tests can check what was sent.
    ObjectNode out = mapper.createObjectNode();
    out.put("function", function);
    out.set("output", body.has("input") ? body.get("input") : body.path("messages"));
    if (body.path("stream").asBoolean(false)) {
      Reply r = new Reply(200, new byte[0]);
      List<String> events = new ArrayList<>();
      events.add(out.toString());
      events.add("[DONE]");
      r.sse = events;
      return r;
    }
    return json(200, out);
  }

  private static byte[] gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }

  /**
   * Runs the server standalone until interrupted: {@code --port N} (default 8787), {@code
   * --api-key KEY}, {@code --persist rows.jsonl} (append every stored row as a JSON line).
   */
  public static void main(String[] args) throws InterruptedException {
    Builder b = builder().port(8787);
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port":
          b.port(Integer.parseInt(args[i + 1]));
          break;
        case "--api-key":
          b.apiKey(args[i + 1]);
          break;
        case "--persist":
          b.persistTo(Path.of(args[i + 1]));
          break;
        case "--host":
          b.host(args[i + 1]);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]
              + "; expected --port, --api-key, --persist or --host");
      }
    }
    BraintrustTestServer server = b.build().start();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stop.countDown();
    }));
    System.out.println("Braintrust testkit server listening on " + server.baseUrl()
        + " (API key '" + server.apiKey() + "')");
    stop.await();
  }

  /** Configures a {@link BraintrustTestServer}. */
  public static final class Builder {
    private String apiKey = DEFAULT_API_KEY;
    private String host = "127.0.0.1";
    private int port;
    private boolean acceptGzip = true;
    private long maxBodyBytes = 16L * 1024 * 1024;
    private boolean retainRows = true;
    private @Nullable Path persistTo;

    private Builder() {}

    /** The API key to accept. */
    public Builder apiKey(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey);
      return this;
    }

    /** The address to bind (default 127.0.0.1). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host);
      return this;
    }

    /** The port (default 0: a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Whether gzip bodies are accepted (default true); false answers them 415. */
    public Builder acceptGzip(boolean accept) {
      this.acceptGzip = accept;
      return this;
    }

    /** Largest decoded body accepted before answering 413 (default 16 MiB). */
    public Builder maxBodyBytes(long bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * Whether rows and request bodies are kept (default true). Off, the server still validates
     * everything but keeps only row ids ({@link #rowIds}), for soak tests of millions of events.
     */
    public Builder retainRows(boolean retain) {
      this.retainRows = retain;
      return this;
    }

    /** Appends every stored row to this JSONL file. */
    public Builder persistTo(Path file) {
      this.persistTo = file;
      return this;
    }

    /** The server, not yet started. */
    public BraintrustTestServer build() {
      return new BraintrustTestServer(this);
    }
  }
}

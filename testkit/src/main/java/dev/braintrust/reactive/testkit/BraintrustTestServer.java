package dev.braintrust.reactive.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.internal.ApiRoutes;
import dev.braintrust.reactive.testkit.internal.EventStreams;
import dev.braintrust.reactive.testkit.internal.FakeModel;
import dev.braintrust.reactive.testkit.internal.FaultHandler;
import dev.braintrust.reactive.testkit.internal.FunctionHandler;
import dev.braintrust.reactive.testkit.internal.Gateway;
import dev.braintrust.reactive.testkit.internal.Json;
import dev.braintrust.reactive.testkit.internal.ObjectStore;
import dev.braintrust.reactive.testkit.internal.ProjectConfigHandler;
import dev.braintrust.reactive.testkit.internal.RequestLog;
import dev.braintrust.reactive.testkit.internal.RowStore;
import dev.braintrust.reactive.testkit.internal.Seeds;
import dev.braintrust.reactive.testkit.internal.ServerCommand;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * An in-process, Braintrust-compatible API server on Reactor Netty, for tests and offline quick
 * starts. It follows the OpenAPI spec rather than any client and serves every operation of it
 * (projects, experiments, datasets, logs, prompts, functions, evals, project scores and tags,
 * views, the organization, users, roles, groups, ACLs, API keys, AI secrets, the AI proxy and its
 * temporary credentials) plus {@code POST /btql} for simple SELECTs. It checks the Bearer key,
 * accepts gzip bodies, validates bodies and query parameters against the spec's shapes (400 naming
 * the field; 404 for unknown ids), answers objects in the schemas' shapes, stores rows with upsert,
 * merge, delete and {@code _parent_id} semantics and every version of them, pages fetches latest
 * first by cursor, answers the AI proxy with a deterministic fake model (OpenAI chat completions
 * and embeddings, and Anthropic messages at {@code /v1/proxy/v1/messages} for an Anthropic client
 * whose base URL is {@code baseUrl() + "/v1/proxy"}), function invocations and evals with an echo
 * (scorers score exact match), records every request, and injects scripted faults. Every object
 * belongs to one seeded organization ({@link #orgId()}), owned by the key's user ({@link
 * #userId()}).
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

  private final String apiKey;
  private final String host;
  private final int requestedPort;
  private final @Nullable SslContext tls;
  private final ObjectStore objects = new ObjectStore();
  private final RowStore rows;
  private final FakeModel model = new FakeModel(Json.MAPPER);
  private final FaultInjector faults = new FaultInjector();
  private final RequestLog requests = new RequestLog();
  private final EventStreams streams = new EventStreams();
  private final FunctionHandler functions;
  private final ProjectConfigHandler config;
  private final Gateway gateway;
  // Written under this by start, stop and close; read from any thread.
  private volatile int boundPort;
  private volatile @Nullable DisposableServer server;
  // Its own event loops, not Reactor Netty's global ones: a Spring context that closes disposes
  // those, which would stop this server under the test that is still using it.
  private final LoopResources loops = LoopResources.create("braintrust-test-server", 2, true);
  // Every open client connection: an outage must cut kept-alive ones too, or a client with a
  // pooled connection would go on being answered by a "stopped" server.
  private final ChannelGroup connections =
      new DefaultChannelGroup("braintrust-test-server", GlobalEventExecutor.INSTANCE);

  private BraintrustTestServer(Builder b) {
    this.apiKey = b.apiKey;
    this.host = b.host;
    this.requestedPort = b.port;
    this.tls = b.tls;
    this.rows = new RowStore(b.retainRows, b.persistTo);
    Seeds.plant(objects, b.apiKey);
    ApiRoutes api = ApiRoutes.build(objects, rows, model, this::baseUrl, b.retainBlobs);
    this.functions = api.functions();
    this.config = api.config();
    FaultHandler faultHandler =
        new FaultHandler(
            path -> {
              Fault f = faults.next(path);
              return f == null
                  ? null
                  : new FaultHandler.Plan(
                      f.statusCode(), f.headers(), f.bodyText(), f.delayTime(), f.isDisconnect());
            });
    this.gateway =
        new Gateway(
            new Gateway.Settings(b.apiKey, b.acceptGzip, b.maxBodyBytes, b.retainRows),
            api.router(),
            faultHandler,
            requests,
            streams,
            api.credentials()::isTemporaryKey);
  }

  /** A builder with defaults: loopback, a free port, key {@value #DEFAULT_API_KEY}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Binds and starts serving; after {@link #stop()} it binds the same port again. */
  public synchronized BraintrustTestServer start() {
    if (server == null) {
      int port = boundPort != 0 ? boundPort : requestedPort;
      HttpServer http = HttpServer.create().runOn(loops).host(host).port(port);
      SslContext t = tls;
      if (t != null) {
        http = http.secure(spec -> spec.sslContext(t));
      }
      DisposableServer s =
          http.doOnConnection(c -> connections.add(c.channel())).handle(gateway::handle).bindNow();
      boundPort = s.port();
      server = s;
      objects.patch(
          "organization",
          Seeds.ORG_ID,
          Json.object().put("api_url", baseUrl()).put("proxy_url", baseUrl()));
    }
    return this;
  }

  /** Stops listening, cuts every open connection, keeps all data: an outage until start(). */
  public synchronized void stop() {
    DisposableServer s = server;
    server = null;
    if (s != null) {
      // Cut first so disposing doesn't wait on them; again after, for one accepted in between.
      connections.close().awaitUninterruptibly(5_000);
      s.disposeNow(Duration.ofSeconds(5));
      connections.close().awaitUninterruptibly(5_000);
    }
  }

  /** Stops the server (as {@link #stop()} does) and closes the persistence file. */
  @Override
  public synchronized void close() {
    stop();
    loops.dispose();
    rows.close();
  }

  /** The bound port (kept while stopped). */
  public int port() {
    if (boundPort == 0) {
      throw new IllegalStateException("the test server was never started");
    }
    return boundPort;
  }

  /** {@code http://host:port} ({@code https} with {@link Builder#tls}), for a client's base URL. */
  public String baseUrl() {
    return (tls == null ? "http://" : "https://") + host + ":" + port();
  }

  /** The accepted API key. */
  public String apiKey() {
    return apiKey;
  }

  /**
   * The id of the organization every object belongs to, as {@code GET /v1/organization} lists it.
   */
  public String orgId() {
    return Seeds.ORG_ID;
  }

  /** The name of that organization, the only {@code org_name} the server knows. */
  public String orgName() {
    return Seeds.ORG_NAME;
  }

  /** The id of the user owning the API key, as {@code GET /v1/user} lists it. */
  public String userId() {
    return Seeds.USER_ID;
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

  /**
   * Queues a tool call as the fake model's next answer: an assistant message with one {@code
   * function} tool call ({@code arguments} is a JSON text) and finish reason {@code tool_calls};
   * streamed, the arguments arrive in fragments as OpenAI sends them.
   */
  public BraintrustTestServer scriptModelToolCall(String name, String arguments) {
    model.scriptToolCall(
        Objects.requireNonNull(name, "name"), Objects.requireNonNull(arguments, "arguments"));
    return this;
  }

  /**
   * Queues a provider response (JSON or Server-Sent Events in the provider's wire format), sent
   * verbatim with status 200 to the next checked model call on any provider route.
   *
   * @param contentType the response's content type
   * @param body the response body
   * @return this server
   */
  public BraintrustTestServer scriptModelResponse(String contentType, String body) {
    model.scriptCanned(new FakeModel.Canned(200, contentType, Objects.requireNonNull(body)));
    return this;
  }

  /** Pauses between Server-Sent Events, so tests can cancel a stream half way (default none). */
  public BraintrustTestServer sseEventDelay(Duration delay) {
    streams.pause(Objects.requireNonNull(delay));
    return this;
  }

  /** Event streams sent to the end. */
  public int streamsCompleted() {
    return streams.completed();
  }

  /** Event streams cut short because the client went away. */
  public int streamsAborted() {
    return streams.aborted();
  }

  /**
   * Forgets rows, requests, faults, scripted replies and stream counts; keeps objects (projects,
   * experiments, datasets, prompts, functions, ACLs, ...).
   */
  public void reset() {
    rows.clear();
    requests.clear();
    faults.clear();
    model.clear();
    streams.reset();
  }

  // ---------------------------------------------------------------- read back

  /**
   * Every request received, in order of answer (one a fault delays is listed after the delay; to
   * wait for its arrival, wait for {@code faults().pending()} to drop).
   */
  public List<RecordedRequest> requests() {
    return requests.all();
  }

  /** Requests whose path contains {@code fragment}. */
  public List<RecordedRequest> requests(String fragment) {
    return requests.pathContaining(fragment);
  }

  /** Creates (or gets) a project and returns its id. */
  public String createProject(String name) {
    return objects.getOrCreate("project", "name", name, null, Json.object()).get("id").asText();
  }

  /** Creates (or gets) an experiment in a project and returns its id. */
  public String createExperiment(String projectId, String name) {
    return objects
        .getOrCreate("experiment", "name", name, projectId, Json.object())
        .get("id")
        .asText();
  }

  /** Creates (or gets) a dataset in a project and returns its id. */
  public String createDataset(String projectId, String name) {
    return objects
        .getOrCreate("dataset", "name", name, projectId, Json.object())
        .get("id")
        .asText();
  }

  /**
   * Creates (or gets) a function with this slug in the named project, creating the project too, and
   * returns its id. Invoked through {@code POST /v1/function/{id}/invoke}, it echoes its input:
   * {@code {"function": slug, "function_id": id, "output": input}}.
   */
  public String createFunction(String projectName, String slug) {
    ObjectNode body =
        Json.object()
            .put("project_id", createProject(projectName))
            .put("name", slug)
            .put("slug", slug);
    body.putObject("function_data").put("type", "prompt");
    return functions.create(body, false).get("id").asText();
  }

  /**
   * Creates (or gets) the view named {@code name} of an object ({@code objectType} such as {@code
   * experiment} or {@code project}), which {@code GET /v1/view} lists (the API has no route to
   * create one), and returns its id.
   */
  public String createView(String objectType, String objectId, String name) {
    return config
        .createView(
            Objects.requireNonNull(objectType, "objectType"),
            Objects.requireNonNull(objectId, "objectId"),
            Objects.requireNonNull(name, "name"))
        .get("id")
        .asText();
  }

  /** The id of the project with this name, or null. */
  public @Nullable String projectId(String name) {
    List<ObjectNode> found = objects.list("project", where("name", name, "project_id", null));
    return found.isEmpty() ? null : found.get(0).get("id").asText();
  }

  /** The id of the experiment with this name in the project, or null. */
  public @Nullable String experimentId(String projectId, String name) {
    List<ObjectNode> found =
        objects.list("experiment", where("name", name, "project_id", projectId));
    return found.isEmpty() ? null : found.get(0).get("id").asText();
  }

  /** Stored rows of a project's logs, in transaction order; deleted rows are gone. */
  public List<ObjectNode> projectLogs(String projectId) {
    return rows.rows(RowStore.key("project_logs", projectId));
  }

  /** Stored rows of an experiment, in transaction order; deleted rows are gone. */
  public List<ObjectNode> experimentRows(String experimentId) {
    return rows.rows(RowStore.key("experiment", experimentId));
  }

  /** Stored rows of a dataset, in transaction order; deleted rows are gone. */
  public List<ObjectNode> datasetRows(String datasetId) {
    return rows.rows(RowStore.key("dataset", datasetId));
  }

  /**
   * Ids of an object's rows, without deleted ones ({@code kind} is {@code project_logs}, {@code
   * experiment} or {@code dataset}); works whether or not rows are retained.
   */
  public Set<String> rowIds(String kind, String id) {
    return rows.ids(RowStore.key(kind, id));
  }

  /** Every stored row across all objects; deleted rows are gone. */
  public List<ObjectNode> allRows() {
    List<ObjectNode> out = new ArrayList<>();
    for (String k : rows.objectKeys()) {
      out.addAll(rows.rows(k));
    }
    return out;
  }

  /** Feedback items received for {@code kind} ({@code project_logs}, ...) and id. */
  public List<ObjectNode> feedback(String kind, String id) {
    return rows.feedbackItems(RowStore.key(kind, id));
  }

  private static Map<String, @Nullable String> where(
      String k1, String v1, String k2, @Nullable String v2) {
    Map<String, @Nullable String> m = new HashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  /**
   * Runs the server standalone until the process is stopped: {@code --port N} (default 8787),
   * {@code --api-key KEY}, {@code --persist rows.jsonl}, faults such as {@code --fail-status 503
   * --fail-count 3}, {@code --silent} or {@code --outage-seconds 5}; {@code --help} lists them all.
   * A bad option exits with status 2, a server that cannot start with 1.
   *
   * @param args the command line
   * @throws InterruptedException when interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    int exitCode = ServerCommand.run(args, System.out, System.err);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  /** Configures a {@link BraintrustTestServer}. */
  public static final class Builder {
    private String apiKey = DEFAULT_API_KEY;
    private String host = "127.0.0.1";
    private int port;
    private boolean acceptGzip = true;
    private long maxBodyBytes = 16L * 1024 * 1024;
    private boolean retainRows = true;
    private boolean retainBlobs = true;
    private @Nullable Path persistTo;
    private @Nullable SslContext tls;

    private Builder() {}

    /** The API key to accept. */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      this.apiKey = apiKey;
      return this;
    }

    /** The address to bind (default 127.0.0.1). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port (default 0: a free one). */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
      }
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
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxBodyBytes must be positive, got " + bytes);
      }
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

    /**
     * Whether uploaded attachment content is kept (default true). Off, each upload is digested as
     * it arrives and only its size and SHA-256 are kept ({@code TestBlobs.digest}; a read answers
     * 410), so benchmarks of large uploads measure the client, not the server.
     */
    public Builder retainBlobs(boolean retain) {
      this.retainBlobs = retain;
      return this;
    }

    /**
     * Appends every stored row to this JSONL file as {@code {"object": "KIND/ID", "row": {...}}}; a
     * deleted row appears as {@code {"id": ..., "_object_delete": true}}.
     */
    public Builder persistTo(Path file) {
      this.persistTo = Objects.requireNonNull(file, "persistTo");
      return this;
    }

    /**
     * Serves HTTPS with this server context (e.g. {@code SslContextBuilder.forServer(keyManager)},
     * with {@code clientAuth(REQUIRE)} for mutual TLS); default plain HTTP.
     */
    public Builder tls(SslContext serverContext) {
      Objects.requireNonNull(serverContext, "tls");
      if (!serverContext.isServer()) {
        throw new IllegalArgumentException("tls needs a server SslContext, got a client one");
      }
      this.tls = serverContext;
      return this;
    }

    /** The server, not yet started. */
    public BraintrustTestServer build() {
      return new BraintrustTestServer(this);
    }
  }
}

package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.Transport;
import dev.braintrust.reactive.transport.internal.ClientConfig;
import dev.braintrust.reactive.transport.internal.FunctionIds;
import dev.braintrust.reactive.transport.internal.HttpCore;
import dev.braintrust.reactive.transport.internal.IngestTransport;
import dev.braintrust.reactive.transport.internal.Json;
import dev.braintrust.reactive.transport.internal.PageWalker;
import dev.braintrust.reactive.transport.internal.UriParts;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The Braintrust REST API over Reactor Netty: a {@link Transport} for the exporter, plus the
 * request/response endpoints as {@code Mono}/{@code Flux}. Nothing here blocks but {@link
 * #close()}.
 *
 * <pre>{@code
 * BraintrustClient client = BraintrustClient.builder()
 *     .apiKey(System.getenv("BRAINTRUST_API_KEY"))
 *     .baseUrl(BraintrustClient.EU_URL)
 *     .build();
 * }</pre>
 *
 * <p>Inserts are gzip-compressed by default (falling back to plain bodies for good if the server
 * answers 415), halved when the server answers 413, and on a 400 split until the refused rows are
 * isolated: the rest is delivered and the refused rows are listed in {@link
 * InsertResult#rejected()}. Requests are retried on connection errors, 408, 429 and 5xx with
 * jittered exponential backoff that honours {@code Retry-After}; other 4xx fail at once with {@link
 * BraintrustApiException}. The client runs on its own event loops and connection pool unless given
 * others, and releases them in {@link #shutdown()}.
 */
public final class BraintrustClient implements Transport, AutoCloseable {
  /** The US data plane, the default. */
  public static final String US_URL = "https://api.braintrust.dev";

  /** The EU data plane. */
  public static final String EU_URL = "https://api-eu.braintrust.dev";

  private static final int LIST_PAGE_SIZE = 100;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final HttpCore http;
  private final IngestTransport ingest;
  private final FunctionIds functions;
  private final long maxRequestBytes;
  private final boolean impersonating;

  BraintrustClient(ClientConfig config) {
    this.http = new HttpCore(config);
    this.ingest = new IngestTransport(http, config.gzip(), config.gzipLevel());
    this.functions = new FunctionIds(http);
    this.maxRequestBytes = config.maxRequestBytes();
    this.impersonating = config.impersonateUser() != null;
  }

  /**
   * A new builder; {@link BraintrustClientBuilder#apiKey} is required.
   *
   * @return a new builder; {@link BraintrustClientBuilder#apiKey} is required
   */
  public static BraintrustClientBuilder builder() {
    return new BraintrustClientBuilder();
  }

  /**
   * A client configured from {@code BRAINTRUST_API_KEY} and {@code BRAINTRUST_API_URL} (default
   * {@link #US_URL}).
   *
   * @return a client configured from {@code BRAINTRUST_API_KEY} and {@code BRAINTRUST_API_URL}
   *     (default {@link #US_URL})
   * @throws IllegalStateException when {@code BRAINTRUST_API_KEY} is not set
   */
  public static BraintrustClient fromEnvironment() {
    String key = System.getenv("BRAINTRUST_API_KEY");
    if (key == null || key.isBlank()) {
      throw new IllegalStateException("BRAINTRUST_API_KEY is not set");
    }
    String url = System.getenv("BRAINTRUST_API_URL");
    return builder().apiKey(key).baseUrl(url == null || url.isBlank() ? US_URL : url).build();
  }

  /**
   * The base URL requests go to.
   *
   * @return the base URL requests go to
   */
  public String baseUrl() {
    return http.baseUrl();
  }

  /**
   * The registry holding {@code braintrust.http.requests}, timed per attempt by method and outcome.
   *
   * @return the registry holding {@code braintrust.http.requests}, timed per attempt by method and
   *     outcome
   */
  public MeterRegistry meterRegistry() {
    return http.registry();
  }

  // ---------------------------------------------------------------- Transport

  /**
   * Inserts the batch in one request (more only when the server answers 413 or 400). A 2xx counts
   * only with an insert response holding {@code row_ids}; anything else fails the batch.
   */
  @Override
  public Mono<InsertResult> insert(Destination destination, EncodedBatch batch) {
    return ingest.insert(destination, batch);
  }

  /**
   * Like {@link #insert} but with no retries of its own, for the exporter, which retries by pausing
   * as a whole: a 429, 5xx or lost connection fails at once with a {@link
   * dev.braintrust.reactive.core.export.RetryHint} ({@link BraintrustApiException} or {@link
   * BraintrustConnectionException}) carrying the server's {@code Retry-After}.
   */
  @Override
  public Mono<InsertResult> insertOnce(Destination destination, EncodedBatch batch) {
    return ingest.insertOnce(destination, batch);
  }

  /** The builder's {@code maxRequestBytes}, so the exporter cuts batches to fit. */
  @Override
  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  /**
   * Releases the event loops and connection pool the client created (not ones it was given).
   * Idempotent: every call returns the same completion. Requests made afterwards fail.
   */
  @Override
  public Mono<Void> shutdown() {
    return http.shutdown();
  }

  /**
   * {@link #shutdown()}, waiting up to 10 s for it. Idempotent. On a non-blocking thread (an event
   * loop) it starts the shutdown without waiting.
   */
  @Override
  public void close() {
    if (Schedulers.isInNonBlockingThread()) {
      shutdown().subscribe(null, e -> {});
      return;
    }
    shutdown().block(CLOSE_TIMEOUT);
  }

  /**
   * The destination with its id, creating the project (and experiment or dataset) by name if
   * needed. Resolved once per destination and cached; a failure is not cached.
   *
   * @param destination the destination
   * @return the destination with its id, creating the project (and experiment or dataset) by name
   *     if needed
   */
  public Mono<Destination> resolve(Destination destination) {
    return ingest.resolve(destination);
  }

  // ---------------------------------------------------------------- resources

  /**
   * Creates an object (create-or-get by name for projects and experiments).
   *
   * @param resource the kind of object
   * @param body the object's fields
   * @return the created (or existing) object
   */
  public Mono<JsonNode> create(Resource resource, Map<String, ?> body) {
    return post(resource.collectionPath(), Json.MAPPER.valueToTree(body));
  }

  /**
   * Gets an object by id.
   *
   * @param resource the kind of object
   * @param id the object's id
   * @return the object
   */
  public Mono<JsonNode> get(Resource resource, String id) {
    return http.json(HttpMethod.GET, objectPath(resource, id), null);
  }

  /**
   * Lists objects, filtered by query parameters such as {@code project_name} or {@code project_id}.
   * Pages of 100 are requested lazily with {@code starting_after} as the subscriber asks for more;
   * a query that sets {@code limit}, {@code starting_after} or {@code ending_before} itself gets
   * exactly that one page.
   *
   * @param resource the kind of object
   * @param query the query parameters
   * @return the matching objects, page after page
   */
  public Flux<JsonNode> list(Resource resource, Map<String, String> query) {
    String base = UriParts.withQuery(resource.collectionPath(), query);
    if (query.containsKey("limit")
        || query.containsKey("starting_after")
        || query.containsKey("ending_before")) {
      return http.json(HttpMethod.GET, base, null).flatMapIterable(n -> n.path("objects"));
    }
    String first = UriParts.withQuery(base, Map.of("limit", Integer.toString(LIST_PAGE_SIZE)));
    return PageWalker.walk(
        after ->
            http.json(
                    HttpMethod.GET,
                    after == null
                        ? first
                        : UriParts.withQuery(first, Map.of("starting_after", after)),
                    null)
                .map(page -> listPage(page.path("objects"), after)));
  }

  /** A full page continues after its last object's id; a short one is the last. */
  private static PageWalker.Page listPage(JsonNode objects, @Nullable String after) {
    if (objects.size() < LIST_PAGE_SIZE) {
      return new PageWalker.Page(objects, null);
    }
    String last = objects.get(objects.size() - 1).path("id").asText("");
    // A server that ignores the cursor would hand back the same page forever.
    return new PageWalker.Page(objects, last.equals(after) ? null : last);
  }

  /**
   * Patches an object; unspecified fields are unchanged.
   *
   * @param resource the kind of object
   * @param id the object's id
   * @param body the fields to change
   * @return the patched object
   */
  public Mono<JsonNode> patch(Resource resource, String id, Map<String, ?> body) {
    return http.json(HttpMethod.PATCH, objectPath(resource, id), Json.MAPPER.valueToTree(body));
  }

  /**
   * Deletes an object and returns it.
   *
   * @param resource the kind of object
   * @param id the object's id
   * @return the deleted object
   */
  public Mono<JsonNode> delete(Resource resource, String id) {
    return http.json(HttpMethod.DELETE, objectPath(resource, id), null);
  }

  private static String objectPath(Resource resource, String id) {
    return resource.collectionPath() + "/" + UriParts.segment(Objects.requireNonNull(id, "id"));
  }

  // ---------------------------------------------------------------- rows

  /**
   * Logs feedback on rows of the destination. Completes when the server acknowledged it.
   *
   * @param destination the object whose rows the feedback is about
   * @param items the feedback items
   * @return completes when the server has acknowledged the feedback
   */
  public Mono<Void> feedback(Destination destination, List<Feedback> items) {
    Objects.requireNonNull(items, "items");
    if (items.isEmpty()) {
      return Mono.error(new IllegalArgumentException("feedback needs at least one item"));
    }
    List<Map<String, Object>> json = new ArrayList<>(items.size());
    for (Feedback f : items) {
      json.add(Objects.requireNonNull(f, "feedback item").toJson());
    }
    return resolve(destination)
        .flatMap(
            d -> post(rowsPath(d, "feedback"), Json.MAPPER.valueToTree(Map.of("feedback", json))))
        .then();
  }

  /**
   * The destination's rows, following the cursor page by page. Lazy: a page is requested only when
   * the subscriber has asked for more rows than earlier pages held. Ends with a {@link
   * BraintrustException} naming the cursor if the server sends a cursor again, or one with an empty
   * page, rather than asking for the same rows forever.
   *
   * @param destination the destination
   * @return the destination's rows, following the cursor page by page
   * @param pageSize rows per request
   * @param filters path-lookup filters, e.g. {@code
   *     {"type":"path_lookup","path":["metadata","k"],"value":1}}
   */
  public Flux<JsonNode> fetch(Destination destination, int pageSize, List<Map<String, ?>> filters) {
    if (pageSize <= 0) {
      return Flux.error(new IllegalArgumentException("pageSize must be positive, got " + pageSize));
    }
    List<Map<String, ?>> f = List.copyOf(filters);
    return resolve(destination).flatMapMany(d -> fetchFrom(rowsPath(d, "fetch"), pageSize, f));
  }

  /**
   * All rows of the destination, 100 per page.
   *
   * @param destination the destination
   * @return all rows of the destination, 100 per page
   */
  public Flux<JsonNode> fetch(Destination destination) {
    return fetch(destination, 100, List.of());
  }

  private Flux<JsonNode> fetchFrom(String path, int pageSize, List<Map<String, ?>> filters) {
    return Flux.defer(
        () -> {
          Set<String> seen = ConcurrentHashMap.newKeySet();
          return PageWalker.walk(
              cursor -> {
                ObjectNode body = Json.MAPPER.createObjectNode().put("limit", pageSize);
                if (cursor != null) {
                  body.put("cursor", cursor);
                }
                if (!filters.isEmpty()) {
                  body.set("filters", Json.MAPPER.valueToTree(filters));
                }
                return post(path, body).map(page -> fetchPage(path, page, seen));
              });
        });
  }

  private PageWalker.Page fetchPage(String path, JsonNode page, Set<String> seen) {
    JsonNode events = page.path("events");
    String next = page.path("cursor").textValue();
    if (next == null || next.isEmpty()) {
      return new PageWalker.Page(events, null);
    }
    if (events.size() == 0 || !seen.add(next)) {
      String shown = next.length() > 100 ? next.substring(0, 100) + "..." : next;
      throw new BraintrustException(
          http.errors()
              .redact(
                  "fetch "
                      + path
                      + ": the server returned cursor '"
                      + shown
                      + "' "
                      + (events.size() == 0 ? "with an empty page" : "a second time")
                      + "; stopping rather than asking for the same rows again"));
    }
    return new PageWalker.Page(events, next);
  }

  /**
   * Summarises an experiment's scores, compared with another experiment when one is given.
   *
   * @param experimentId the experiment to summarise
   * @param comparisonExperimentId the experiment to compare with, or null
   * @return the summary
   */
  public Mono<JsonNode> summarize(String experimentId, @Nullable String comparisonExperimentId) {
    String path =
        "/v1/experiment/"
            + UriParts.segment(Objects.requireNonNull(experimentId, "experimentId"))
            + "/summarize?summarize_scores=true"
            + (comparisonExperimentId == null
                ? ""
                : "&comparison_experiment_id=" + UriParts.query(comparisonExperimentId));
    return http.json(HttpMethod.GET, path, null);
  }

  private static String rowsPath(Destination d, String op) {
    return "/v1/"
        + d.kind().pathSegment()
        + "/"
        + UriParts.segment(Objects.requireNonNull(d.id()))
        + "/"
        + op;
  }

  // ---------------------------------------------------------------- functions and proxy

  /**
   * Invokes a function by id; {@code body} is an InvokeFunctionRequest ({@code input}, ...).
   *
   * @param functionId the function's id
   * @param body the invocation request
   * @return the function's result
   */
  public Mono<JsonNode> invoke(String functionId, Map<String, ?> body) {
    return post(invokePath(functionId), Json.MAPPER.valueToTree(body));
  }

  /**
   * Invokes a function by project name and slug with this input. The id is looked up with {@code
   * GET /v1/function?project_name=..&slug=..} on first use and cached; the call fails with a {@link
   * BraintrustException} when no such function exists.
   *
   * @param projectName the name of the function's project
   * @param slug the function's slug
   * @param input the function's input
   * @return the function's result
   */
  public Mono<JsonNode> invoke(String projectName, String slug, @Nullable Object input) {
    return functions.id(projectName, slug).flatMap(id -> post(invokePath(id), inputBody(input)));
  }

  /**
   * Invokes a function by project name and slug and streams its Server-Sent Events as JSON.
   *
   * @param projectName the name of the function's project
   * @param slug the function's slug
   * @param input the function's input
   * @return the function's events
   */
  public Flux<JsonNode> invokeStream(String projectName, String slug, @Nullable Object input) {
    return functions
        .id(projectName, slug)
        .flatMapMany(id -> streamInvoke(invokePath(id), inputBody(input)));
  }

  /**
   * Invokes a function by id and streams its Server-Sent Events as JSON.
   *
   * @param functionId the function's id
   * @param body the invocation request
   * @return the function's events
   */
  public Flux<JsonNode> invokeStream(String functionId, Map<String, ?> body) {
    return streamInvoke(invokePath(functionId), Json.MAPPER.valueToTree(body));
  }

  private static String invokePath(String functionId) {
    return "/v1/function/"
        + UriParts.segment(Objects.requireNonNull(functionId, "functionId"))
        + "/invoke";
  }

  private static ObjectNode inputBody(@Nullable Object input) {
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.set("input", Json.MAPPER.valueToTree(input));
    return b;
  }

  private Flux<JsonNode> streamInvoke(String path, ObjectNode body) {
    body.put("stream", true);
    return sse(path, body).map(this::parseEvent);
  }

  /**
   * The AI proxy without tracing.
   *
   * @return the AI proxy without tracing
   */
  public AiProxy proxy() {
    return new AiProxy(this, null);
  }

  /**
   * The AI proxy, each call traced as an {@code llm} span through {@code tracer}.
   *
   * @param tracer the tracer
   * @return the AI proxy, each call traced as an {@code llm} span through {@code tracer}
   */
  public AiProxy proxy(Tracer tracer) {
    return new AiProxy(this, Objects.requireNonNull(tracer, "tracer"));
  }

  // ---------------------------------------------------------------- for AiProxy

  Mono<JsonNode> post(String path, JsonNode body) {
    return http.json(HttpMethod.POST, path, body);
  }

  Flux<String> sse(String path, JsonNode body) {
    return http.sse(path, body);
  }

  JsonNode parseEvent(String data) {
    try {
      return Json.MAPPER.readTree(data);
    } catch (IOException e) {
      String shown = data.length() > 300 ? data.substring(0, 300) + "..." : data;
      throw new BraintrustException(http.errors().redact("a streamed event is not JSON: " + shown));
    }
  }

  @Override
  public String toString() {
    // Never the key.
    return "BraintrustClient{" + baseUrl() + (impersonating ? ", impersonating" : "") + "}";
  }
}

package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.Transport;
import dev.braintrust.reactive.transport.internal.Gzip;
import dev.braintrust.reactive.transport.internal.PageWalker;
import dev.braintrust.reactive.transport.internal.RetryPolicy;
import dev.braintrust.reactive.transport.internal.SseDecoder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

/**
 * The Braintrust REST API over Reactor Netty: a {@link Transport} for the exporter, plus the
 * request/response endpoints as {@code Mono}/{@code Flux}. Nothing here blocks.
 *
 * <pre>{@code
 * BraintrustClient client = BraintrustClient.builder()
 *     .apiKey(System.getenv("BRAINTRUST_API_KEY"))
 *     .baseUrl(BraintrustClient.EU_URL)
 *     .build();
 * }</pre>
 *
 * <p>Inserts are gzip-compressed by default (falling back to plain bodies for good if the server
 * answers 415), split so no request body exceeds {@code maxRequestBytes}, and retried on
 * connection errors, 408, 429 and 5xx with jittered exponential backoff that honours {@code
 * Retry-After}. Other 4xx fail at once with {@link BraintrustApiException}.
 */
public final class BraintrustClient implements Transport {
  /** The US data plane, the default. */
  public static final String US_URL = "https://api.braintrust.dev";
  /** The EU data plane. */
  public static final String EU_URL = "https://api-eu.braintrust.dev";

  static final ObjectMapper MAPPER = new ObjectMapper();

  private final String baseUrl;
  private final String authorization;
  private final @Nullable String impersonateUser;
  private final int gzipLevel;
  private final AtomicBoolean gzip;
  private final long maxRequestBytes;
  private final RetryPolicy retryPolicy;
  private final Scheduler timer;
  private final ConnectionProvider provider;
  private final HttpClient http;
  private final Map<Destination, Mono<Destination>> resolved = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  private BraintrustClient(Builder b) {
    this.baseUrl = checkUrl(b.baseUrl, b.allowInsecureHttp);
    if (b.apiKey == null || b.apiKey.isBlank()) {
      throw new IllegalArgumentException("apiKey must not be null or blank");
    }
    this.authorization = "Bearer " + b.apiKey.trim();
    this.impersonateUser = b.impersonateUser;
    this.gzip = new AtomicBoolean(b.gzip);
    this.gzipLevel = b.gzipLevel;
    this.maxRequestBytes = b.maxRequestBytes;
    this.retryPolicy = new RetryPolicy(b.maxRetries, b.minBackoff, b.maxBackoff, b.maxRetryAfter);
    this.timer = b.timer != null ? b.timer : Schedulers.parallel();
    this.registry = b.registry != null ? b.registry : new SimpleMeterRegistry();
    this.provider =
        ConnectionProvider.builder("braintrust")
            .maxConnections(b.maxConnections)
            .pendingAcquireMaxCount(-1)
            .maxIdleTime(Duration.ofSeconds(30))
            .build();
    this.http =
        HttpClient.create(provider)
            .baseUrl(baseUrl)
            .compress(true)
            .responseTimeout(b.requestTimeout)
            .headers(
                h -> {
                  h.set(HttpHeaderNames.AUTHORIZATION, authorization);
                  h.set(HttpHeaderNames.USER_AGENT, "braintrust-reactive-java/0.1");
                  h.set(HttpHeaderNames.ACCEPT, "application/json");
                  if (impersonateUser != null) {
                    h.set("x-bt-impersonate-user", impersonateUser);
                  }
                });
  }

  /** A new builder; {@link Builder#apiKey} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client configured from {@code BRAINTRUST_API_KEY} and {@code BRAINTRUST_API_URL} (default
   * {@link #US_URL}).
   *
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

  /** The base URL requests go to. */
  public String baseUrl() {
    return baseUrl;
  }

  // ---------------------------------------------------------------- Transport

  @Override
  public Mono<InsertResult> insert(Destination destination, EncodedBatch batch) {
    return resolve(destination).flatMap(d -> insertResolved(d, batch));
  }

  private Mono<InsertResult> insertResolved(Destination d, EncodedBatch batch) {
    if (batch.size() == 0) {
      return Mono.just(InsertResult.of(0, 0, 0, 0, 0));
    }
    if (batch.bodyBytes() > maxRequestBytes) {
      if (batch.size() == 1) {
        return Mono.error(new IllegalArgumentException("an event of " + batch.bodyBytes()
            + " bytes exceeds the request limit of " + maxRequestBytes + " bytes; not sent"));
      }
      return splitAndSend(d, batch);
    }
    String path = "/v1/" + d.kind().pathSegment() + "/" + d.id() + "/insert";
    boolean compress = gzip.get();
    AtomicInteger attempts = new AtomicInteger();
    return Mono.fromCallable(() -> compress ? Gzip.compress(batch, gzipLevel) : batch.body())
        .subscribeOn(Schedulers.parallel())
        .flatMap(
            body ->
                withRetry(
                        Mono.defer(() -> {
                          attempts.incrementAndGet();
                          return exchange(HttpMethod.POST, path, body, compress);
                        }))
                    .map(r -> InsertResult.of(batch.size(), batch.bodyBytes(), body.length,
                        attempts.get(), attempts.get() - 1)))
        .onErrorResume(
            BraintrustApiException.class,
            e -> {
              if (e.status() == 415 && compress) {
                // The server can't read gzip: stop compressing for every later request too.
                gzip.set(false);
                return insertResolved(d, batch).map(r -> r.plus(InsertResult.of(0, 0, 0, attempts.get(), 0)));
              }
              if (e.status() == 413 && batch.size() > 1) {
                return splitAndSend(d, batch);
              }
              return Mono.error(e);
            });
  }

  private Mono<InsertResult> splitAndSend(Destination d, EncodedBatch batch) {
    return Flux.fromIterable(batch.halves())
        .concatMap(half -> insertResolved(d, half))
        .reduce(InsertResult::plus);
  }

  @Override
  public Mono<Void> shutdown() {
    return provider.disposeLater();
  }


  // ---------------------------------------------------------------- resources

  /** Creates an object (create-or-get by name for projects and experiments). */
  public Mono<JsonNode> create(Resource resource, Map<String, ?> body) {
    return post(resource.collectionPath(), MAPPER.valueToTree(body));
  }

  /** Gets an object by id. */
  public Mono<JsonNode> get(Resource resource, String id) {
    return request(HttpMethod.GET, resource.collectionPath() + "/" + encode(id), null);
  }

  /**
   * Lists objects, filtered by query parameters such as {@code project_name} or {@code project_id}.
   * Pages of 100 are requested lazily with {@code starting_after} as the subscriber asks for more;
   * a query that sets {@code limit}, {@code starting_after} or {@code ending_before} itself gets
   * exactly that one page.
   */
  public Flux<JsonNode> list(Resource resource, Map<String, String> query) {
    StringBuilder base = new StringBuilder(resource.collectionPath());
    char sep = '?';
    for (Map.Entry<String, String> q : query.entrySet()) {
      base.append(sep).append(encode(q.getKey())).append('=').append(encode(q.getValue()));
      sep = '&';
    }
    if (query.containsKey("limit") || query.containsKey("starting_after") || query.containsKey("ending_before")) {
      return request(HttpMethod.GET, base.toString(), null).flatMapIterable(n -> n.path("objects"));
    }
    String first = base.append(sep).append("limit=").append(LIST_PAGE_SIZE).toString();
    return PageWalker.walk(after -> request(HttpMethod.GET,
            after == null ? first : first + "&starting_after=" + encode(after), null)
        .map(page -> listPage(page.path("objects"), after)));
  }

  private static final int LIST_PAGE_SIZE = 100;

  /** A full page continues after its last object's id; a short one is the last. */
  private static PageWalker.Page listPage(JsonNode objects, @Nullable String after) {
    if (objects.size() < LIST_PAGE_SIZE) {
      return new PageWalker.Page(objects, null);
    }
    String last = objects.get(objects.size() - 1).path("id").asText("");
    // A server that ignores the cursor would hand back the same page forever.
    return new PageWalker.Page(objects, last.equals(after) ? null : last);
  }

  /** Patches an object; unspecified fields are unchanged. */
  public Mono<JsonNode> patch(Resource resource, String id, Map<String, ?> body) {
    return request(HttpMethod.PATCH, resource.collectionPath() + "/" + encode(id), MAPPER.valueToTree(body));
  }

  /** Deletes an object and returns it. */
  public Mono<JsonNode> delete(Resource resource, String id) {
    return request(HttpMethod.DELETE, resource.collectionPath() + "/" + encode(id), null);
  }

  // ---------------------------------------------------------------- rows

  /** Logs feedback on rows of the destination. Completes when the server acknowledged it. */
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
        .flatMap(d -> post(rowsPath(d, "feedback"), MAPPER.valueToTree(Map.of("feedback", json))))
        .then();
  }

  /**
   * The destination's rows, following the cursor page by page. Lazy: a page is requested only
   * when the subscriber has asked for more rows than earlier pages held.
   *
   * @param pageSize rows per request
   * @param filters path-lookup filters, e.g. {@code {"type":"path_lookup","path":["metadata","k"],"value":1}}
   */
  public Flux<JsonNode> fetch(Destination destination, int pageSize, List<Map<String, ?>> filters) {
    if (pageSize <= 0) {
      return Flux.error(new IllegalArgumentException("pageSize must be positive, got " + pageSize));
    }
    List<Map<String, ?>> f = List.copyOf(filters);
    return resolve(destination).flatMapMany(d -> fetchFrom(rowsPath(d, "fetch"), pageSize, f));
  }

  /** All rows of the destination, 100 per page. */
  public Flux<JsonNode> fetch(Destination destination) {
    return fetch(destination, 100, List.of());
  }

  private Flux<JsonNode> fetchFrom(String path, int pageSize, List<Map<String, ?>> filters) {
    return PageWalker.walk(cursor -> {
      ObjectNode body = MAPPER.createObjectNode().put("limit", pageSize);
      if (cursor != null) {
        body.put("cursor", cursor);
      }
      if (!filters.isEmpty()) {
        body.set("filters", MAPPER.valueToTree(filters));
      }
      return post(path, body).map(page -> new PageWalker.Page(page.path("events"), page.path("cursor").textValue()));
    });
  }

  /** Summarises an experiment's scores, compared with another experiment when one is given. */
  public Mono<JsonNode> summarize(String experimentId, @Nullable String comparisonExperimentId) {
    String path = "/v1/experiment/" + encode(experimentId) + "/summarize?summarize_scores=true"
        + (comparisonExperimentId == null ? "" : "&comparison_experiment_id=" + encode(comparisonExperimentId));
    return request(HttpMethod.GET, path, null);
  }

  private static String rowsPath(Destination d, String op) {
    return "/v1/" + d.kind().pathSegment() + "/" + encode(Objects.requireNonNull(d.id())) + "/" + op;
  }

  // ---------------------------------------------------------------- functions and proxy

  /** Invokes a function by id; {@code body} is an InvokeFunctionRequest ({@code input}, ...). */
  public Mono<JsonNode> invoke(String functionId, Map<String, ?> body) {
    return post("/v1/function/" + encode(functionId) + "/invoke", MAPPER.valueToTree(body));
  }

  /** Invokes a function by project name and slug with this input. */
  public Mono<JsonNode> invoke(String projectName, String slug, @Nullable Object input) {
    return post("/v1/function", bySlug(projectName, slug, input));
  }

  /** Invokes a function by project name and slug and streams its Server-Sent Events as JSON. */
  public Flux<JsonNode> invokeStream(String projectName, String slug, @Nullable Object input) {
    return streamInvoke("/v1/function", bySlug(projectName, slug, input));
  }

  private static ObjectNode bySlug(String projectName, String slug, @Nullable Object input) {
    ObjectNode b = MAPPER.createObjectNode();
    b.put("project_name", Objects.requireNonNull(projectName, "projectName"));
    b.put("slug", Objects.requireNonNull(slug, "slug"));
    b.set("input", MAPPER.valueToTree(input));
    return b;
  }

  /** Invokes a function by id and streams its Server-Sent Events as JSON. */
  public Flux<JsonNode> invokeStream(String functionId, Map<String, ?> body) {
    return streamInvoke("/v1/function/" + encode(functionId) + "/invoke", MAPPER.valueToTree(body));
  }

  private Flux<JsonNode> streamInvoke(String path, ObjectNode body) {
    body.put("stream", true);
    return sse(path, body).map(BraintrustClient::parseText);
  }

  /** The AI proxy without tracing. */
  public AiProxy proxy() {
    return new AiProxy(this, null);
  }

  /** The AI proxy, each call traced as an {@code llm} span through {@code tracer}. */
  public AiProxy proxy(dev.braintrust.reactive.core.Tracer tracer) {
    return new AiProxy(this, Objects.requireNonNull(tracer, "tracer"));
  }

  static JsonNode parseText(String s) {
    return parse(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * POSTs JSON and streams the answer's Server-Sent Event payloads until {@code [DONE]}.
   * Cancelling closes the connection. Streams are not retried.
   */
  Flux<String> sse(String path, JsonNode body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      return Flux.error(e);
    }
    Flux<String> attempt = http.headers(h -> {
          h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
          h.set(HttpHeaderNames.ACCEPT, "text/event-stream");
        })
        .post()
        .uri(path)
        .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(bytes)))
        .response((res, content) -> {
          int status = res.status().code();
          if (status < 200 || status >= 300) {
            return content.aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMapMany(b -> Flux.<String>error(apiError("POST", path, status, res.responseHeaders(), b)));
          }
          SseDecoder decoder = new SseDecoder();
          return content.asByteArray().concatMapIterable(decoder::feed);
        });
    // Retrying after an event reached the subscriber would replay the stream into it, so a stream
    // is retried only while nothing has been emitted (refused connection, 429, 5xx before data).
    return Flux.defer(() -> {
      AtomicBoolean emitted = new AtomicBoolean();
      return attempt.doOnNext(d -> emitted.set(true))
          .retryWhen(retry(() -> !emitted.get()));
    }).takeWhile(d -> !d.equals("[DONE]"));
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---------------------------------------------------------------- names to ids

  /**
   * The destination with its id, creating the project (and experiment or dataset) by name if
   * needed. Resolved once per destination and cached; a failure is not cached.
   */
  public Mono<Destination> resolve(Destination destination) {
    if (!destination.needsResolution()) {
      return Mono.just(destination);
    }
    return resolved.computeIfAbsent(
        destination,
        d ->
            lookup(d)
                .cache(v -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO));
  }

  private Mono<Destination> lookup(Destination d) {
    Mono<String> projectId =
        post("/v1/project", MAPPER.createObjectNode().put("name", d.projectName()))
            .map(n -> n.path("id").asText());
    if (d.kind() == Destination.Kind.PROJECT_LOGS) {
      return projectId.map(d::withId);
    }
    String collection = d.kind() == Destination.Kind.EXPERIMENT ? "/v1/experiment" : "/v1/dataset";
    return projectId
        .flatMap(pid -> post(collection,
            MAPPER.createObjectNode().put("project_id", pid).put("name", d.objectName())))
        .map(n -> d.withId(n.path("id").asText()));
  }

  // ---------------------------------------------------------------- HTTP plumbing

  /** POSTs JSON and reads a JSON answer, with retries. */
  Mono<JsonNode> post(String path, JsonNode body) {
    return Mono.fromCallable(() -> MAPPER.writeValueAsBytes(body))
        .flatMap(bytes -> withRetry(Mono.defer(() -> exchange(HttpMethod.POST, path, bytes, false))))
        .map(BraintrustClient::parse);
  }

  /** Sends a JSON request with {@code method}, with retries. */
  Mono<JsonNode> request(HttpMethod method, String path, @Nullable JsonNode body) {
    return Mono.fromCallable(() -> body == null ? new byte[0] : MAPPER.writeValueAsBytes(body))
        .flatMap(bytes -> withRetry(Mono.defer(() -> exchange(method, path, body == null ? null : bytes, false))))
        .map(BraintrustClient::parse);
  }

  static JsonNode parse(byte[] bytes) {
    if (bytes.length == 0) {
      return MAPPER.createObjectNode();
    }
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalStateException("the server answered with invalid JSON: " + e.getMessage(), e);
    }
  }

  /** HttpClient with the shared headers, for streaming calls in this package. */
  HttpClient http() {
    return http;
  }

  /** The registry holding {@code braintrust.http.requests}, timed per attempt by method and outcome. */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  private Mono<byte[]> exchange(HttpMethod method, String path, byte @Nullable [] body, boolean gzipped) {
    return Mono.defer(() -> {
      long start = System.nanoTime();
      return send(method, path, body, gzipped)
          .doOnSuccess(b -> record(method, "2xx", start))
          .doOnError(e -> record(method, outcome(e), start));
    });
  }

  private void record(HttpMethod method, String outcome, long start) {
    Timer.builder("braintrust.http.requests")
        .description("HTTP attempts to the Braintrust API, retries included")
        .tag("method", method.name())
        .tag("outcome", outcome)
        .register(registry)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  private static String outcome(Throwable e) {
    if (e instanceof BraintrustApiException) {
      return (((BraintrustApiException) e).status() / 100) + "xx";
    }
    return isRetryable(e) ? "io_error" : "client_error";
  }

  private Mono<byte[]> send(HttpMethod method, String path, byte @Nullable [] body, boolean gzipped) {
    HttpClient client =
        http.headers(
            h -> {
              if (body != null) {
                h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                if (gzipped) {
                  h.set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
                }
              }
            });
    HttpClient.ResponseReceiver<?> sender =
        body == null
            ? client.request(method).uri(path)
            : client.request(method).uri(path).send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
    return sender.responseSingle(
        (res, content) ->
            content
                .asByteArray()
                .defaultIfEmpty(new byte[0])
                .flatMap(
                    bytes -> {
                      int status = res.status().code();
                      if (status >= 200 && status < 300) {
                        return Mono.just(bytes);
                      }
                      return Mono.error(apiError(method.name(), path, status, res.responseHeaders(), bytes));
                    }));
  }

  static BraintrustApiException apiError(
      String method, String path, int status, HttpHeaders headers, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    String error = text;
    try {
      JsonNode n = MAPPER.readTree(body);
      if (n != null && n.hasNonNull("error")) {
        error = n.get("error").isTextual() ? n.get("error").asText() : n.get("error").toString();
      }
    } catch (IOException notJson) {
      // Keep the raw text.
    }
    if (error.isEmpty()) {
      error = "(empty body)";
    }
    String requestId = headers.get("x-bt-request-id");
    if (requestId == null) {
      requestId = headers.get("x-request-id");
    }
    if (requestId == null) {
      requestId = headers.get("x-amzn-requestid");
    }
    return new BraintrustApiException(method, path, status, error, requestId,
        RetryPolicy.parseRetryAfter(headers.get("Retry-After"), System.currentTimeMillis()));
  }

  <T> Mono<T> withRetry(Mono<T> call) {
    return call.retryWhen(retry(() -> true));
  }

  private Retry retry(BooleanSupplier stillRetryable) {
    return Retry.from(signals -> signals.concatMap(signal -> {
      Throwable e = signal.failure();
      long n = signal.totalRetries();
      if (n >= retryPolicy.maxRetries() || !isRetryable(e) || !stillRetryable.getAsBoolean()) {
        return Mono.error(e);
      }
      Duration retryAfter = e instanceof BraintrustApiException ? ((BraintrustApiException) e).retryAfter() : null;
      return Mono.delay(retryPolicy.delay(n, retryAfter), timer);
    }));
  }

  static boolean isRetryable(Throwable e) {
    if (e instanceof BraintrustApiException) {
      return ((BraintrustApiException) e).isRetryable();
    }
    return e instanceof IOException
        || e instanceof TimeoutException
        || e instanceof io.netty.handler.timeout.TimeoutException
        || e instanceof io.netty.channel.ChannelException;
  }

  private static String checkUrl(String url, boolean allowInsecure) {
    Objects.requireNonNull(url, "baseUrl");
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("baseUrl '" + url + "' is not a valid URL", e);
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException("baseUrl '" + url + "' must be an http(s) URL with a host");
    }
    if (scheme.equals("http") && !allowInsecure && !isLoopback(host)) {
      throw new IllegalArgumentException("baseUrl '" + url + "' uses plain http to a non-loopback host;"
          + " use https, or allowInsecureHttp(true) if you really mean it");
    }
    String s = uri.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
  }

  @Override
  public String toString() {
    // Never the key.
    return "BraintrustClient{" + baseUrl + (impersonateUser == null ? "" : ", impersonating") + "}";
  }

  /** Configures a {@link BraintrustClient}. */
  public static final class Builder {
    private @Nullable String apiKey;
    private String baseUrl = US_URL;
    private @Nullable String impersonateUser;
    private boolean gzip = true;
    private int gzipLevel = 1;
    private long maxRequestBytes = 5L * 1024 * 1024;
    private int maxRetries = 5;
    private Duration minBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int maxConnections = 16;
    private boolean allowInsecureHttp;
    private @Nullable Scheduler timer;
    private @Nullable MeterRegistry registry;

    private Builder() {}

    /** Where to time HTTP attempts (default: a private {@code SimpleMeterRegistry}). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The API key (required). It is sent as a Bearer token and never logged. */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    /** The API URL: {@link #US_URL} (default), {@link #EU_URL} or a self-hosted one. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      return this;
    }

    /** Sends {@code x-bt-impersonate-user} with every request. */
    public Builder impersonateUser(String userIdOrEmail) {
      this.impersonateUser = Objects.requireNonNull(userIdOrEmail, "userIdOrEmail");
      return this;
    }

    /** Whether insert bodies are gzip-compressed (default true). */
    public Builder gzip(boolean gzip) {
      this.gzip = gzip;
      return this;
    }

    /** gzip level 1 (fastest, default) to 9 (smallest). */
    public Builder gzipLevel(int level) {
      if (level < 1 || level > 9) {
        throw new IllegalArgumentException("gzipLevel must be between 1 and 9, got " + level);
      }
      this.gzipLevel = level;
      return this;
    }

    /** Largest uncompressed insert body; larger batches are split (default 5 MiB). */
    public Builder maxRequestBytes(long bytes) {
      if (bytes < 64) {
        throw new IllegalArgumentException("maxRequestBytes must be at least 64, got " + bytes);
      }
      this.maxRequestBytes = bytes;
      return this;
    }

    /** Retries after the first attempt (default 5); 0 disables retries. */
    public Builder maxRetries(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxRetries must not be negative, got " + n);
      }
      this.maxRetries = n;
      return this;
    }

    /** Backoff bounds (default 200 ms to 10 s). */
    public Builder backoff(Duration min, Duration max) {
      if (min.isNegative() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("backoff needs 0 <= min <= max, got " + min + ", " + max);
      }
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /** Longest Retry-After honoured (default 60 s). */
    public Builder maxRetryAfter(Duration max) {
      this.maxRetryAfter = Objects.requireNonNull(max);
      return this;
    }

    /** Time to wait for a response (default 30 s); a timeout is retried. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** Most pooled connections (default 16). */
    public Builder maxConnections(int n) {
      if (n <= 0) {
        throw new IllegalArgumentException("maxConnections must be positive, got " + n);
      }
      this.maxConnections = n;
      return this;
    }

    /** Allows plain http to non-loopback hosts (default false: https only, but for localhost). */
    public Builder allowInsecureHttp(boolean allow) {
      this.allowInsecureHttp = allow;
      return this;
    }

    /** The scheduler for retry delays; a virtual-time one in tests. */
    public Builder timerScheduler(Scheduler scheduler) {
      this.timer = Objects.requireNonNull(scheduler);
      return this;
    }

    /** The client. */
    public BraintrustClient build() {
      return new BraintrustClient(this);
    }
  }
}

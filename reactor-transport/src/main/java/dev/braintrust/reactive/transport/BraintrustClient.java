package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentUploader;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.Transport;
import dev.braintrust.reactive.core.internal.BraintrustEnv;
import dev.braintrust.reactive.transport.internal.AttachmentUploads;
import dev.braintrust.reactive.transport.internal.Btql;
import dev.braintrust.reactive.transport.internal.ClientConfig;
import dev.braintrust.reactive.transport.internal.ClientIngestTransport;
import dev.braintrust.reactive.transport.internal.FunctionIds;
import dev.braintrust.reactive.transport.internal.HttpCore;
import dev.braintrust.reactive.transport.internal.IngestTransport;
import dev.braintrust.reactive.transport.internal.Invocations;
import dev.braintrust.reactive.transport.internal.Json;
import dev.braintrust.reactive.transport.internal.JsonReply;
import dev.braintrust.reactive.transport.internal.PromptLookup;
import dev.braintrust.reactive.transport.internal.UriParts;
import dev.braintrust.reactive.transport.model.BraintrustFunction;
import dev.braintrust.reactive.transport.model.Dataset;
import dev.braintrust.reactive.transport.model.Experiment;
import dev.braintrust.reactive.transport.model.ExperimentSummary;
import dev.braintrust.reactive.transport.model.LoginInfo;
import dev.braintrust.reactive.transport.model.Project;
import dev.braintrust.reactive.transport.model.ProjectScore;
import dev.braintrust.reactive.transport.model.Prompt;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The Braintrust REST API over Reactor Netty: the request/response endpoints as {@code Mono}/{@code
 * Flux}, and the exporter's {@link Transport}. Nothing here blocks but {@link #close()}.
 *
 * <p>An exporter owns the transport it is given: {@code BraintrustExporter.builder(client)} shuts
 * the client down when the exporter closes, {@code builder(client.ingestTransport())} never does.
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
public final class BraintrustClient implements Transport, AttachmentUploader, AutoCloseable {
  /** The US data plane, the default. */
  public static final String US_URL = "https://api.braintrust.dev";

  /** The EU data plane. */
  public static final String EU_URL = "https://api-eu.braintrust.dev";

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final HttpCore http;
  private final IngestTransport ingest;
  private final Invocations invocations;
  private final long maxRequestBytes;
  private final boolean impersonating;
  // For the login body only; never printed (toString leaves it out).
  private final String apiKey;
  private final Duration maxRetryAfter;
  private final Attachments attachments;

  BraintrustClient(ClientConfig config, @Nullable String unusable) {
    this.apiKey = config.apiKey();
    this.maxRetryAfter = config.maxRetryAfter();
    this.http = new HttpCore(config, unusable);
    this.ingest = new IngestTransport(http, config.gzip(), config.gzipLevel());
    this.invocations = new Invocations(http, new FunctionIds(http));
    this.maxRequestBytes = config.maxRequestBytes();
    this.impersonating = config.impersonateUser() != null;
    this.attachments = new Attachments(new AttachmentUploads(http, Mono.defer(this::login)));
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
   * A client configured from {@code BRAINTRUST_API_KEY}, {@code BRAINTRUST_API_URL} (default {@link
   * #US_URL}) and {@code BRAINTRUST_ORG_NAME} (each from the process environment, else from the
   * nearest {@code .env.braintrust} file), through the proxy in {@code HTTPS_PROXY} ({@code
   * HTTP_PROXY} for an http URL; lower case too) except for the hosts in {@code NO_PROXY}, else the
   * JVM's proxy settings.
   *
   * @return a client configured from {@code BRAINTRUST_API_KEY} and {@code BRAINTRUST_API_URL}
   *     (default {@link #US_URL})
   * @throws IllegalStateException when {@code BRAINTRUST_API_KEY} is not set
   */
  public static BraintrustClient fromEnvironment() {
    return builder().fromEnvironment(BraintrustEnv.system()).build();
  }

  /**
   * A client that opens no connection and fails every call with a {@link BraintrustException} whose
   * message is {@code reason}: for a framework that must offer a client to inject when no API key
   * is configured, so the application starts and each call says what is missing.
   *
   * @param reason what is missing, e.g. {@code "no Braintrust API key: set BRAINTRUST_API_KEY"}
   * @return a client whose every call fails with {@code reason}
   */
  public static BraintrustClient unconfigured(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("reason must not be null or blank");
    }
    return builder().apiKey("unconfigured-client-placeholder").build(reason);
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
   * A transport for an exporter that shares this client: it sends through this client's
   * connections, with its request size limit and {@code Retry-After} cap, and the exporter's close
   * ends only this handle, never the client. Each call returns a new handle.
   *
   * @return a new handle on this client's insert path, for one exporter
   */
  public Transport ingestTransport() {
    return new ClientIngestTransport(ingest, maxRequestBytes, maxRetryAfter, this);
  }

  /**
   * Inserts the batch in one request (more only on 413 or 400), with this client's retries; a 2xx
   * counts only with {@code row_ids}. The exporter uses {@link #insertOnce}, retrying by itself.
   *
   * @param destination where the rows go
   * @param batch the rows
   * @return what the insert did
   */
  public Mono<InsertResult> insert(Destination destination, EncodedBatch batch) {
    return ingest.insert(destination, batch);
  }

  /** The cap on a server's {@code Retry-After}, which the exporter's back-off honours too. */
  @Override
  public Duration maxRetryAfter() {
    return maxRetryAfter;
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

  /** Any resource's calls, each object read as JSON: the escape hatch for untyped resources. */
  public ResourceApi<JsonNode> resource(Resource resource) {
    return new ResourceApi<>(http, Objects.requireNonNull(resource, "resource"), JsonNode.class);
  }

  /** Projects ({@code /v1/project}). */
  public ResourceApi<Project> projects() {
    return new ResourceApi<>(http, Resource.PROJECT, Project.class);
  }

  /** Experiments ({@code /v1/experiment}). */
  public ResourceApi<Experiment> experiments() {
    return new ResourceApi<>(http, Resource.EXPERIMENT, Experiment.class);
  }

  /** Datasets ({@code /v1/dataset}). */
  public ResourceApi<Dataset> datasets() {
    return new ResourceApi<>(http, Resource.DATASET, Dataset.class);
  }

  /** Prompts ({@code /v1/prompt}); see {@link #loadPrompt} to load one by project and slug. */
  public ResourceApi<Prompt> prompts() {
    return new ResourceApi<>(http, Resource.PROMPT, Prompt.class);
  }

  /** Functions ({@code /v1/function}): prompts, tools, scorers and tasks. */
  public ResourceApi<BraintrustFunction> functions() {
    return new ResourceApi<>(http, Resource.FUNCTION, BraintrustFunction.class);
  }

  /** The scores configured on projects ({@code /v1/project_score}). */
  public ResourceApi<ProjectScore> projectScores() {
    return new ResourceApi<>(http, Resource.PROJECT_SCORE, ProjectScore.class);
  }

  /** Access-control entries ({@code /v1/acl}), including batch updates. */
  public Acls acls() {
    return new Acls(http);
  }

  /**
   * {@code PATCH /v1/organization/members}: invites or removes members; {@code body} takes {@code
   * org_id} or {@code org_name}, {@code invite_users} and {@code remove_users}.
   */
  public Mono<Void> updateOrganizationMembers(Map<String, ?> body) {
    return Mono.defer(
            () ->
                http.json(
                    HttpMethod.PATCH,
                    "/v1/organization/members",
                    Json.MAPPER.valueToTree(Objects.requireNonNull(body, "body"))))
        .then();
  }

  /**
   * The prompt with this slug in the named project, at {@code version} (a transaction id) or the
   * latest when null. Fails with a {@link BraintrustException} naming what is missing when the
   * project or prompt does not exist.
   */
  public Mono<Prompt> loadPrompt(String projectName, String slug, @Nullable String version) {
    return PromptLookup.load(prompts(), projects(), projectName, slug, version);
  }

  /** The latest version of the prompt with this slug in the named project. */
  public Mono<Prompt> loadPrompt(String projectName, String slug) {
    return loadPrompt(projectName, slug, null);
  }

  // ---------------------------------------------------------------- rows, summaries, queries

  /** Dataset snapshots and environment tags, to pin a dataset version. */
  public DatasetVersions datasetVersions() {
    return new DatasetVersions(http);
  }

  /**
   * The rows of a project log, experiment or dataset, for direct inserts, merges, deletes, fetches
   * and feedback. The destination is resolved (and created by name if needed) on first use.
   */
  public Rows rows(Destination destination) {
    Objects.requireNonNull(destination, "destination");
    return new Rows(http, Mono.defer(() -> resolve(destination)));
  }

  /** Summarises an experiment's scores, compared with another experiment when one is given. */
  public Mono<ExperimentSummary> summarize(
      String experimentId, @Nullable String comparisonExperimentId) {
    String path =
        "/v1/experiment/"
            + UriParts.segment(Objects.requireNonNull(experimentId, "experimentId"))
            + "/summarize?summarize_scores=true"
            + (comparisonExperimentId == null
                ? ""
                : "&comparison_experiment_id=" + UriParts.query(comparisonExperimentId));
    return http.jsonReply(HttpMethod.GET, path, null).map(r -> r.read(ExperimentSummary.class));
  }

  /** Summarises a dataset: its project and name and, in {@code data_summary}, its record count. */
  public Mono<JsonNode> summarizeDataset(String datasetId) {
    return http.json(
        HttpMethod.GET,
        "/v1/dataset/"
            + UriParts.segment(Objects.requireNonNull(datasetId, "datasetId"))
            + "/summarize?summarize_data=true",
        null);
  }

  /**
   * Launches an eval server-side ({@code POST /v1/eval}): {@code request} needs {@code project_id},
   * {@code data} (a dataset), {@code task} (a function) and {@code scores} (scoring functions).
   * Completes with the summary of the experiment it wrote.
   */
  public Mono<ExperimentSummary> eval(Map<String, ?> request) {
    return Mono.defer(
            () -> {
              Objects.requireNonNull(request, "request");
              for (String field : List.of("project_id", "data", "task", "scores")) {
                if (request.get(field) == null) {
                  throw new IllegalArgumentException("an eval needs '" + field + "'");
                }
              }
              return http.jsonReply(HttpMethod.POST, "/v1/eval", Json.MAPPER.valueToTree(request));
            })
        .map(r -> r.read(ExperimentSummary.class));
  }

  /**
   * Runs a BTQL query ({@code POST /btql}): SQL text, or the query object the API guides show. Rows
   * come lazily: the next page (by the {@code x-bt-cursor} the server answers) is requested only
   * when the subscriber has used up the last.
   */
  public Flux<JsonNode> btql(Object query) {
    return Btql.rows(http, query);
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
    return Mono.defer(() -> invocations.invoke(functionId, Json.MAPPER.valueToTree(body)));
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
    return invocations.invoke(projectName, slug, input);
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
    return invocations.invokeStream(projectName, slug, input);
  }

  /**
   * Invokes a function by id and streams its Server-Sent Events as JSON.
   *
   * @param functionId the function's id
   * @param body the invocation request
   * @return the function's events
   */
  public Flux<JsonNode> invokeStream(String functionId, Map<String, ?> body) {
    return Flux.defer(() -> invocations.invokeStream(functionId, Json.MAPPER.valueToTree(body)));
  }

  /**
   * The AI proxy without tracing.
   *
   * @return the AI proxy without tracing
   */
  public AiProxy aiProxy() {
    return new AiProxy(this, null);
  }

  /**
   * The AI proxy, each call traced as an {@code llm} span through {@code tracer}.
   *
   * @param tracer the tracer
   * @return the AI proxy, each call traced as an {@code llm} span through {@code tracer}
   */
  public AiProxy aiProxy(Tracer tracer) {
    return new AiProxy(this, Objects.requireNonNull(tracer, "tracer"));
  }

  /**
   * Asks the API which organizations the key belongs to ({@code POST /api/apikey/login}, as the
   * official SDKs do), for links into the Braintrust app.
   *
   * @return the key's organizations
   */
  public Mono<LoginInfo> login() {
    ObjectNode body = Json.MAPPER.createObjectNode().put("token", apiKey);
    return http.json(HttpMethod.POST, "/api/apikey/login", body)
        .map(node -> Json.read(node, LoginInfo.class, "POST /api/apikey/login"));
  }

  /** Uploads an attachment; the exporter sends a row once its attachments are uploaded. */
  @Override
  public Mono<Void> upload(Attachment attachment) {
    return attachments.upload(attachment);
  }

  /** Reads back the attachments referenced by fetched rows (and uploads). */
  public Attachments attachments() {
    return attachments;
  }

  Mono<JsonNode> post(String path, JsonNode body) {
    return http.json(HttpMethod.POST, path, body);
  }

  Mono<JsonReply> postReply(String path, JsonNode body) {
    return http.jsonReply(HttpMethod.POST, path, body);
  }

  /** A streamed event that is JSON but not of the shape expected, as the API failure it is. */
  BraintrustApiException malformedEvent(String path, String data, String expected) {
    return invocations.malformedEvent(path, data, expected);
  }

  Flux<String> sse(String path, JsonNode body) {
    return http.sse(path, body);
  }

  JsonNode parseEvent(String path, String data) {
    return invocations.parseEvent(path, data);
  }

  @Override
  public String toString() {
    // Never the key.
    return "BraintrustClient{" + baseUrl() + (impersonating ? ", impersonating" : "") + "}";
  }
}

package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.internal.Gzip;
import dev.braintrust.reactive.core.export.internal.InsertSplitter;
import dev.braintrust.reactive.transport.BraintrustApiException;
import dev.braintrust.reactive.transport.BraintrustConnectionException;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Inserts encoded batches: names resolved to ids once; the server's refusals (415, 413, 400)
 * handled by the {@link InsertSplitter} every transport shares.
 */
public final class IngestTransport {
  private final HttpCore http;
  private final InsertSplitter splitter;
  private final int gzipLevel;
  private final Map<Resolution, Mono<Destination>> resolved = new ConcurrentHashMap<>();

  /** Inserts through {@code http}. */
  public IngestTransport(HttpCore http, boolean gzip, int gzipLevel) {
    this.http = http;
    this.splitter = new InsertSplitter(gzip, new Refusals());
    this.gzipLevel = gzipLevel;
  }

  /**
   * The destination with its id, creating the project (and experiment or dataset) by name if
   * needed. Resolved once per destination and identity, and cached; a failure is not cached. The
   * lookup runs as the caller (a call's impersonated user, from its {@link CallContext}), and its
   * result is cached for that identity only, so one user's lookup never answers another's.
   */
  public Mono<Destination> resolve(Destination destination) {
    if (!destination.needsResolution()) {
      return Mono.just(destination);
    }
    return Mono.deferContextual(
        ctx ->
            resolved.computeIfAbsent(
                new Resolution(destination, CallContext.impersonatedUser(ctx)),
                r ->
                    lookup(r.destination())
                        .cache(
                            v -> Duration.ofMillis(Long.MAX_VALUE),
                            e -> Duration.ZERO,
                            () -> Duration.ZERO)));
  }

  /** A destination as resolved by one identity (null: the client's own). */
  private record Resolution(Destination destination, @Nullable String user) {}

  private Mono<Destination> lookup(Destination d) {
    ObjectNode project = Json.MAPPER.createObjectNode().put("name", d.projectName());
    if (http.orgName() != null) {
      // Spec, CreateProject.org_name: picks the organisation when the key spans several.
      project.put("org_name", http.orgName());
    }
    Mono<String> projectId =
        http.json(HttpMethod.POST, "/v1/project", project)
            .onErrorMap(
                IngestTransport::noAnswer, e -> new BraintrustConnectionException("/v1/project", e))
            .map(n -> id(n, "/v1/project"));
    if (d.kind() == Destination.Kind.PROJECT_LOGS) {
      return projectId.map(d::withId);
    }
    String collection = d.kind() == Destination.Kind.EXPERIMENT ? "/v1/experiment" : "/v1/dataset";
    return projectId
        .flatMap(
            pid ->
                http.json(
                        HttpMethod.POST,
                        collection,
                        Json.MAPPER
                            .createObjectNode()
                            .put("project_id", pid)
                            .put("name", d.objectName()))
                    .onErrorMap(
                        IngestTransport::noAnswer,
                        e -> new BraintrustConnectionException(collection, e)))
        .map(n -> d.withId(id(n, collection)));
  }

  /**
   * A failure that is not the server's refusal (a refused or lost connection, a timeout) after this
   * client's own retries: reported as {@link BraintrustConnectionException}, which the exporter
   * retries with the events waiting, since the server may have done the work (an insert stored, a
   * project created) or may come back. A 5xx or 429 is retryable as it is.
   */
  private static boolean noAnswer(Throwable e) {
    return !(e instanceof BraintrustApiException)
        && !(e instanceof BraintrustConnectionException)
        && HttpCore.isRetryable(e);
  }

  private String id(JsonNode created, String path) {
    JsonNode id = created.path("id");
    if (!id.isTextual() || id.asText().isBlank()) {
      throw http.errors()
          .unexpected(
              "POST",
              path,
              200,
              "application/json",
              created.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
              "an object with an 'id'");
    }
    return id.asText();
  }

  /** Sends the batch as it is; the exporter has already cut it to the request size limit. */
  public Mono<InsertResult> insert(Destination destination, EncodedBatch batch) {
    return insert(destination, batch, true);
  }

  /**
   * Sends the batch with one attempt per request: retryable failures come back at once, connection
   * failures as {@link BraintrustConnectionException}, for a caller that retries by itself.
   */
  public Mono<InsertResult> insertOnce(Destination destination, EncodedBatch batch) {
    return insert(destination, batch, false);
  }

  private Mono<InsertResult> insert(Destination destination, EncodedBatch batch, boolean retry) {
    if (batch.size() == 0) {
      return Mono.just(InsertResult.of(0, 0, 0, 0, 0));
    }
    return resolve(destination)
        .flatMap(d -> splitter.send(batch, attempt(insertPath(d), retry)))
        .onErrorMap(http.errors()::scrub);
  }

  private static String insertPath(Destination d) {
    return rowsPath(d, "insert");
  }

  /** {@code /v1/{kind}/{id}/{op}} for a resolved destination: its rows' insert, fetch, feedback. */
  public static String rowsPath(Destination d, String op) {
    return "/v1/"
        + d.kind().pathSegment()
        + "/"
        + UriParts.segment(Objects.requireNonNull(d.id(), "destination id"))
        + "/"
        + op;
  }

  /** One request of a part to {@code path}, with this client's retries when {@code retry}. */
  private InsertSplitter.Attempt attempt(String path, boolean retry) {
    return (part, compress, tally) ->
        Mono.fromCallable(() -> compress ? Gzip.compress(part, gzipLevel) : part.body())
            .subscribeOn(Schedulers.parallel())
            .flatMap(
                body -> {
                  tally.wire.set(body.length);
                  Mono<HttpCore.Reply> once =
                      Mono.defer(
                          () -> {
                            tally.attempts.incrementAndGet();
                            return http.exchange(HttpMethod.POST, path, body, compress);
                          });
                  // With or without this client's retries, an insert that got no answer ends as a
                  // BraintrustConnectionException: inserts are idempotent by row id, so the
                  // exporter sends it again (same ids) instead of counting rows failed that may be
                  // stored.
                  return (retry ? http.withRetry(once) : once)
                      .onErrorMap(
                          IngestTransport::noAnswer,
                          e -> new BraintrustConnectionException(path, e))
                      .map(
                          reply -> {
                            checkInsertResponse(path, reply);
                            int attempts = tally.attempts.get();
                            return InsertResult.of(
                                part.size(), part.bodyBytes(), body.length, attempts, attempts - 1);
                          });
                });
  }

  /** The server's refusals as the splitter reads them: status and error text. */
  private static final class Refusals implements InsertSplitter.Refusals {
    @Override
    public int status(Throwable e) {
      return e instanceof BraintrustApiException ? ((BraintrustApiException) e).status() : -1;
    }

    @Override
    public String reason(Throwable e) {
      return ((BraintrustApiException) e).error();
    }
  }

  /**
   * A 2xx counts as delivered only with an insert response (spec: InsertEventsResponse, a {@code
   * row_ids} array): a proxy's HTML page or an empty 200 means the rows went nowhere.
   */
  private void checkInsertResponse(String path, HttpCore.Reply reply) {
    if (!InsertSplitter.isInsertResponse(reply.body())) {
      throw http.errors()
          .unexpected(
              "POST",
              path,
              reply.status(),
              reply.contentType(),
              reply.body(),
              "an insert response with 'row_ids'");
    }
  }
}

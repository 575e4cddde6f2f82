package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.internal.Gzip;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.transport.BraintrustApiException;
import dev.braintrust.reactive.transport.BraintrustConnectionException;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Inserts encoded batches: names resolved to ids once, bodies gzip-compressed until the server
 * answers 415, requests split in halves on 413, and on 400 split until the refused rows are
 * isolated, so one bad row doesn't sink the rows sent with it.
 */
public final class IngestTransport {
  private static final LibraryLog LOG = LibraryLog.get(IngestTransport.class);

  private final HttpCore http;
  private final AtomicBoolean gzip;
  private final int gzipLevel;
  private final Map<Resolution, Mono<Destination>> resolved = new ConcurrentHashMap<>();

  /** Inserts through {@code http}. */
  public IngestTransport(HttpCore http, boolean gzip, int gzipLevel) {
    this.http = http;
    this.gzip = new AtomicBoolean(gzip);
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
    Isolation iso = new Isolation(batch.offset(), ceilLog2(batch.size()), retry);
    return resolve(destination)
        .flatMap(d -> send(insertPath(d), batch, 0, iso))
        .onErrorMap(http.errors()::scrub);
  }

  /**
   * Where rows are counted from, how deep splitting may go (halving reaches single rows by then),
   * and whether this client retries or leaves it to the caller.
   */
  private record Isolation(int base, int maxDepth, boolean retry) {}

  static int ceilLog2(int n) {
    return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
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

  private Mono<InsertResult> send(String path, EncodedBatch part, int depth, Isolation iso) {
    boolean compress = gzip.get();
    AtomicInteger attempts = new AtomicInteger();
    AtomicLong wire = new AtomicLong();
    return Mono.fromCallable(() -> compress ? Gzip.compress(part, gzipLevel) : part.body())
        .subscribeOn(Schedulers.parallel())
        .flatMap(
            body -> {
              wire.set(body.length);
              Mono<HttpCore.Reply> once =
                  Mono.defer(
                      () -> {
                        attempts.incrementAndGet();
                        return http.exchange(HttpMethod.POST, path, body, compress);
                      });
              // With or without this client's retries, an insert that got no answer ends as a
              // BraintrustConnectionException: inserts are idempotent by row id, so the exporter
              // sends it again (same ids) instead of counting rows failed that may be stored.
              return (iso.retry() ? http.withRetry(once) : once)
                  .onErrorMap(
                      IngestTransport::noAnswer, e -> new BraintrustConnectionException(path, e))
                  .map(
                      reply -> {
                        checkInsertResponse(path, reply);
                        return InsertResult.of(
                            part.size(),
                            part.bodyBytes(),
                            body.length,
                            attempts.get(),
                            attempts.get() - 1);
                      });
            })
        .onErrorResume(
            BraintrustApiException.class,
            e -> {
              InsertResult spent =
                  InsertResult.of(0, 0, 0, attempts.get(), Math.max(0, attempts.get() - 1));
              if (e.status() == 415 && compress) {
                if (gzip.compareAndSet(true, false)) {
                  LOG.warn(
                      "the server does not take gzip request bodies (415); sending them uncompressed from now on");
                }
                return send(path, part, depth, iso).map(spent::plus);
              }
              boolean splittable = part.size() > 1 && depth < iso.maxDepth();
              if ((e.status() == 413 || e.status() == 400) && splittable) {
                return Flux.fromIterable(part.halves())
                    .concatMap(half -> send(path, half, depth + 1, iso))
                    .reduce(spent, InsertResult::plus);
              }
              if (e.status() == 400 && part.size() == 1 && depth > 0) {
                return Mono.just(
                    InsertResult.rejected(
                        new InsertResult.Rejected(part.offset() - iso.base(), e.error()),
                        attempts.get(),
                        part.bodyBytes(),
                        wire.get()));
              }
              // A one-row batch refused as a whole is a failed batch, not a row isolated from one.
              return Mono.error(e);
            });
  }

  /**
   * A 2xx counts as delivered only with an insert response (spec: InsertEventsResponse, a {@code
   * row_ids} array): a proxy's HTML page or an empty 200 means the rows went nowhere.
   */
  private void checkInsertResponse(String path, HttpCore.Reply reply) {
    JsonNode n = null;
    try {
      n = reply.body().length == 0 ? null : Json.MAPPER.readTree(reply.body());
    } catch (IOException notJson) {
      // Reported below with what came back instead.
    }
    if (n == null || !n.path("row_ids").isArray()) {
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

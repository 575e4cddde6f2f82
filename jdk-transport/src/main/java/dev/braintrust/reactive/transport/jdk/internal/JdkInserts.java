package dev.braintrust.reactive.transport.jdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.internal.Gzip;
import dev.braintrust.reactive.core.export.internal.InsertSplitter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Inserts encoded batches with one attempt per request: names resolved to ids once; the server's
 * refusals (415, 413, 400) handled by the {@link InsertSplitter} the Reactor Netty client shares.
 * Retrying is the exporter's.
 */
public final class JdkInserts {
  private final JdkHttp http;
  private final @Nullable String orgName;
  private final InsertSplitter splitter;
  private final int gzipLevel;
  private final Map<Destination, Mono<Destination>> resolved = new ConcurrentHashMap<>();

  /**
   * Inserts through {@code http}.
   *
   * @param http the API
   * @param orgName names the organisation when projects are created by name, or null
   * @param gzip whether to compress request bodies (until the server refuses)
   * @param gzipLevel the deflate level, 1 to 9
   */
  public JdkInserts(JdkHttp http, @Nullable String orgName, boolean gzip, int gzipLevel) {
    this.http = http;
    this.orgName = orgName;
    this.splitter = new InsertSplitter(gzip, new Refusals());
    this.gzipLevel = gzipLevel;
  }

  /** Sends the batch, cut to the request size already, with one attempt per request. */
  public Mono<InsertResult> insertOnce(Destination destination, EncodedBatch batch) {
    if (batch.size() == 0) {
      return Mono.just(InsertResult.of(0, 0, 0, 0, 0));
    }
    return resolve(destination).flatMap(d -> splitter.send(batch, attempt(rowsPath(d))));
  }

  /**
   * The destination with its id, creating the project (and experiment or dataset) by name if
   * needed; resolved once and cached, a failure not cached.
   */
  Mono<Destination> resolve(Destination destination) {
    if (!destination.needsResolution()) {
      return Mono.just(destination);
    }
    return resolved.computeIfAbsent(
        destination,
        d ->
            lookup(d)
                .cache(
                    v -> Duration.ofMillis(Long.MAX_VALUE),
                    e -> Duration.ZERO,
                    () -> Duration.ZERO));
  }

  private Mono<Destination> lookup(Destination d) {
    ObjectNode project = JdkHttp.MAPPER.createObjectNode().put("name", d.projectName());
    if (orgName != null) {
      // Spec, CreateProject.org_name: picks the organisation when the key spans several.
      project.put("org_name", orgName);
    }
    Mono<String> projectId =
        http.json("POST", "/v1/project", project).map(n -> id(n, "/v1/project"));
    if (d.kind() == Destination.Kind.PROJECT_LOGS) {
      return projectId.map(d::withId);
    }
    String collection = d.kind() == Destination.Kind.EXPERIMENT ? "/v1/experiment" : "/v1/dataset";
    return projectId
        .flatMap(
            pid ->
                http.json(
                    "POST",
                    collection,
                    JdkHttp.MAPPER
                        .createObjectNode()
                        .put("project_id", pid)
                        .put("name", d.objectName())))
        .map(n -> d.withId(id(n, collection)));
  }

  private String id(JsonNode created, String path) {
    JsonNode id = created.path("id");
    if (!id.isTextual() || id.asText().isBlank()) {
      byte[] body = created.toString().getBytes(StandardCharsets.UTF_8);
      throw http.unexpected(
          "POST", path, new JdkHttp.Reply(200, "application/json", body), "an object with an 'id'");
    }
    return id.asText();
  }

  private static String rowsPath(Destination d) {
    String id = Objects.requireNonNull(d.id(), "destination id");
    // Exactly one path segment: dot segments would be resolved by servers, so they are encoded.
    String segment =
        id.equals(".") || id.equals("..")
            ? id.replace(".", "%2E")
            : URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    return "/v1/" + d.kind().pathSegment() + "/" + segment + "/insert";
  }

  /** One request of a part to {@code path}. */
  private InsertSplitter.Attempt attempt(String path) {
    return (part, compress, tally) ->
        Mono.fromCallable(() -> compress ? Gzip.compress(part, gzipLevel) : part.body())
            .subscribeOn(Schedulers.parallel())
            .flatMap(
                body -> {
                  tally.wire.set(body.length);
                  tally.attempts.incrementAndGet();
                  return http.send("POST", path, body, compress)
                      .map(
                          reply -> {
                            checkInsertResponse(path, reply);
                            return InsertResult.of(
                                part.size(), part.bodyBytes(), body.length, 1, 0);
                          });
                });
  }

  /** The server's refusals as the splitter reads them. */
  private static final class Refusals implements InsertSplitter.Refusals {
    @Override
    public int status(Throwable e) {
      return e instanceof HttpFailure ? ((HttpFailure) e).status() : -1;
    }

    @Override
    public String reason(Throwable e) {
      return ((HttpFailure) e).error();
    }
  }

  /** A 2xx counts as delivered only with an insert response. */
  private void checkInsertResponse(String path, JdkHttp.Reply reply) {
    if (!InsertSplitter.isInsertResponse(reply.body())) {
      throw http.unexpected("POST", path, reply, "an insert response with 'row_ids'");
    }
  }
}

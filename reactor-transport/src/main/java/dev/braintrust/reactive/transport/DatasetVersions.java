package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.transport.internal.HttpCore;
import dev.braintrust.reactive.transport.internal.UriParts;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Dataset snapshots and environment tags, the lookups of the spec's {@code
 * dataset-versions/contracts.md} an SDK needs to pin a dataset version: {@code GET
 * /api/dataset_snapshot/get} and {@code GET /environment-object/:type/:id/:slug}. Outside the
 * OpenAPI file; see docs/api-compatibility.md.
 */
public final class DatasetVersions {
  private final HttpCore http;

  DatasetVersions(HttpCore http) {
    this.http = http;
  }

  /** The snapshots of a dataset, all of them or the one named {@code name}. */
  public Mono<List<JsonNode>> snapshots(String datasetId, @Nullable String name) {
    String path =
        "/api/dataset_snapshot/get?dataset_id="
            + UriParts.query(Objects.requireNonNull(datasetId, "datasetId"))
            + (name == null ? "" : "&name=" + UriParts.query(name));
    return http.jsonValue(HttpMethod.GET, path, null)
        .flatMap(
            node -> {
              if (!node.isArray()) {
                return Mono.error(
                    new BraintrustException(
                        "GET /api/dataset_snapshot/get answered "
                            + node.getNodeType()
                            + ", not an array"));
              }
              List<JsonNode> out = new ArrayList<>();
              node.forEach(out::add);
              return Mono.just(out);
            });
  }

  /**
   * The version an object ({@code dataset} or {@code prompt}) is tagged with for an environment,
   * e.g. {@code production}; fails when there is no such tag.
   */
  public Mono<String> environmentVersion(String objectType, String objectId, String slug) {
    String path =
        "/environment-object/"
            + UriParts.segment(Objects.requireNonNull(objectType, "objectType"))
            + "/"
            + UriParts.segment(Objects.requireNonNull(objectId, "objectId"))
            + "/"
            + UriParts.segment(Objects.requireNonNull(slug, "slug"));
    return http.json(HttpMethod.GET, path, null)
        .flatMap(
            node -> {
              String v = node.path("object_version").asText("");
              return v.isEmpty()
                  ? Mono.error(
                      new BraintrustException("GET " + path + " answered no object_version"))
                  : Mono.just(v);
            });
  }
}

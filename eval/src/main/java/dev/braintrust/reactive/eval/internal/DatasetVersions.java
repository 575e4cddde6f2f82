package dev.braintrust.reactive.eval.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.eval.DatasetVersion;
import dev.braintrust.reactive.eval.EvalCase;
import dev.braintrust.reactive.eval.RowOrigin;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.FetchQuery;
import dev.braintrust.reactive.transport.model.FetchedEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Resolves a {@link DatasetVersion} to a concrete version ({@code dataset-versions/contracts.md}:
 * snapshots by {@code GET /api/dataset_snapshot/get}, environments by {@code GET
 * /environment-object/dataset/:id/:slug}, the head as the newest record's {@code _xact_id}) and
 * reads the dataset's records at it.
 */
public final class DatasetVersions {
  private DatasetVersions() {}

  /** The dataset's records at {@code version} as cases carrying their origin. */
  public static Flux<EvalCase<JsonNode, JsonNode>> cases(
      BraintrustClient client, String datasetId, DatasetVersion version, int pageSize) {
    return resolve(client, datasetId, version)
        .flatMapMany(
            pinned -> {
              FetchQuery q = FetchQuery.all().pageSize(pageSize);
              if (pinned.isPresent()) {
                q = q.version(pinned.get());
              }
              String v = pinned.orElse(null);
              return client
                  .rows(Destination.dataset(datasetId))
                  .fetch(q)
                  .map(e -> toCase(datasetId, v, e));
            });
  }

  /** The concrete version; empty for the head of an empty dataset. */
  static Mono<Optional<String>> resolve(
      BraintrustClient client, String datasetId, DatasetVersion version) {
    String value = version.value();
    return switch (version.kind()) {
      case VERSION -> Mono.just(Optional.ofNullable(value));
      case HEAD ->
          // Fetch answers the newest rows first: the first row's transaction is the head.
          client
              .rows(Destination.dataset(datasetId))
              .fetch(FetchQuery.all().pageSize(1))
              .next()
              .map(e -> Optional.ofNullable(e.version()))
              .defaultIfEmpty(Optional.empty());
      case SNAPSHOT ->
          client
              .datasetVersions()
              .snapshots(datasetId, value)
              .flatMap(
                  list ->
                      list.isEmpty() || list.get(0).path("xact_id").asText("").isEmpty()
                          ? Mono.error(
                              new BraintrustException(
                                  "no snapshot '" + value + "' of dataset " + datasetId))
                          : Mono.just(Optional.of(list.get(0).path("xact_id").asText())));
      case ENVIRONMENT ->
          client
              .datasetVersions()
              .environmentVersion("dataset", datasetId, String.valueOf(value))
              .onErrorMap(
                  e ->
                      new BraintrustException(
                          "dataset "
                              + datasetId
                              + " has no version tagged for environment '"
                              + value
                              + "': "
                              + e.getMessage(),
                          e))
              .map(Optional::of);
    };
  }

  private static EvalCase<JsonNode, JsonNode> toCase(
      String datasetId, @Nullable String pinned, FetchedEvent e) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    e.metadata().fields().forEachRemaining(f -> metadata.put(f.getKey(), f.getValue()));
    JsonNode expected = e.expected().isMissingNode() || e.expected().isNull() ? null : e.expected();
    RowOrigin origin =
        new RowOrigin("dataset", datasetId, e.id(), e.version(), e.created(), pinned);
    return new EvalCase<>(e.input(), expected, metadata, e.tags(), origin);
  }
}

package dev.braintrust.reactive.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.eval.internal.DatasetVersions;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.ListQuery;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Sources of eval cases. */
public final class EvalData {
  private EvalData() {}

  /**
   * The records of a Braintrust dataset at its head version as cases ({@code input}, {@code
   * expected}, {@code metadata}, {@code tags}, and the record as {@link EvalCase#origin()}),
   * fetched page by page as the eval asks for more. Fails with a {@link BraintrustException} when
   * the project or dataset does not exist.
   */
  public static Flux<EvalCase<JsonNode, JsonNode>> dataset(
      BraintrustClient client, String projectName, String datasetName) {
    return dataset(client, projectName, datasetName, DatasetVersion.head(), 100);
  }

  /** {@link #dataset(BraintrustClient, String, String)} with {@code pageSize} records a request. */
  public static Flux<EvalCase<JsonNode, JsonNode>> dataset(
      BraintrustClient client, String projectName, String datasetName, int pageSize) {
    return dataset(client, projectName, datasetName, DatasetVersion.head(), pageSize);
  }

  /**
   * The records of a dataset at {@code version} (the head, an exact version, a snapshot or an
   * environment tag), resolved to a concrete version first and read at it page after page, so a run
   * sees one state of the dataset however it changes meanwhile.
   */
  public static Flux<EvalCase<JsonNode, JsonNode>> dataset(
      BraintrustClient client,
      String projectName,
      String datasetName,
      DatasetVersion version,
      int pageSize) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(projectName, "projectName");
    Objects.requireNonNull(datasetName, "datasetName");
    Objects.requireNonNull(version, "version");
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be at least 1, got " + pageSize);
    }
    return client
        .projects()
        .list(ListQuery.all().name(projectName))
        .next()
        .switchIfEmpty(
            Mono.error(() -> new BraintrustException("no project named '" + projectName + "'")))
        .flatMap(
            p ->
                client
                    .datasets()
                    .list(ListQuery.all().projectId(p.id()).name(datasetName))
                    .next()
                    .switchIfEmpty(
                        Mono.error(
                            () ->
                                new BraintrustException(
                                    "no dataset '"
                                        + datasetName
                                        + "' in project '"
                                        + projectName
                                        + "'"))))
        .flatMapMany(d -> DatasetVersions.cases(client, d.id(), version, pageSize));
  }

  /** The records of the dataset with this id, at {@code version}; see above. */
  public static Flux<EvalCase<JsonNode, JsonNode>> datasetById(
      BraintrustClient client, String datasetId, DatasetVersion version, int pageSize) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(datasetId, "datasetId");
    Objects.requireNonNull(version, "version");
    return DatasetVersions.cases(client, datasetId, version, pageSize);
  }
}

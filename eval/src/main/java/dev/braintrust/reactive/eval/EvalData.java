package dev.braintrust.reactive.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.FetchQuery;
import dev.braintrust.reactive.transport.ListQuery;
import dev.braintrust.reactive.transport.model.FetchedEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;

/** Sources of eval cases. */
public final class EvalData {
  private EvalData() {}

  /**
   * The records of a Braintrust dataset as cases ({@code input}, {@code expected}, {@code
   * metadata}, {@code tags}), fetched page by page as the eval asks for more. Fails with a {@link
   * BraintrustException} when the project or dataset does not exist.
   */
  public static Flux<EvalCase<JsonNode, JsonNode>> dataset(
      BraintrustClient client, String projectName, String datasetName) {
    return dataset(client, projectName, datasetName, 100);
  }

  /** {@link #dataset(BraintrustClient, String, String)} with {@code pageSize} records a request. */
  public static Flux<EvalCase<JsonNode, JsonNode>> dataset(
      BraintrustClient client, String projectName, String datasetName, int pageSize) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(projectName, "projectName");
    Objects.requireNonNull(datasetName, "datasetName");
    FetchQuery query = FetchQuery.all().pageSize(pageSize);
    return client
        .projects()
        .list(ListQuery.all().name(projectName))
        .next()
        .switchIfEmpty(
            reactor.core.publisher.Mono.error(
                () -> new BraintrustException("no project named '" + projectName + "'")))
        .flatMap(
            p ->
                client
                    .datasets()
                    .list(ListQuery.all().projectId(p.id()).name(datasetName))
                    .next()
                    .switchIfEmpty(
                        reactor.core.publisher.Mono.error(
                            () ->
                                new BraintrustException(
                                    "no dataset '"
                                        + datasetName
                                        + "' in project '"
                                        + projectName
                                        + "'"))))
        .flatMapMany(d -> client.rows(Destination.dataset(d.id())).fetch(query))
        .map(EvalData::toCase);
  }

  private static EvalCase<JsonNode, JsonNode> toCase(FetchedEvent e) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    e.metadata().fields().forEachRemaining(f -> metadata.put(f.getKey(), f.getValue()));
    JsonNode expected = e.expected().isMissingNode() || e.expected().isNull() ? null : e.expected();
    return new EvalCase<>(e.input(), expected, metadata, e.tags());
  }
}

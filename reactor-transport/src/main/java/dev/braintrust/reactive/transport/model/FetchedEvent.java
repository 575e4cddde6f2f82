package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One row read back by fetch: the fields every row kind shares, typed, and the whole row as {@link
 * #raw()} for the rest. {@code version} is the row's transaction id ({@code _xact_id}).
 */
public record FetchedEvent(
    String id,
    @Nullable String spanId,
    @Nullable String rootSpanId,
    List<String> spanParents,
    JsonNode input,
    JsonNode output,
    JsonNode expected,
    Map<String, Double> scores,
    JsonNode metadata,
    List<String> tags,
    @Nullable String created,
    @Nullable String version,
    JsonNode raw) {

  /** Copies the collections. */
  public FetchedEvent {
    Objects.requireNonNull(id, "id");
    spanParents = List.copyOf(spanParents);
    scores = Map.copyOf(scores);
    tags = List.copyOf(tags);
  }

  /** Reads a row as the API returns it; missing fields are {@link MissingNode}s or empty. */
  public static FetchedEvent of(JsonNode row) {
    Map<String, Double> scores = new LinkedHashMap<>();
    row.path("scores")
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isNumber()) {
                scores.put(e.getKey(), e.getValue().doubleValue());
              }
            });
    return new FetchedEvent(
        row.path("id").asText(""),
        row.path("span_id").textValue(),
        row.path("root_span_id").textValue(),
        strings(row.path("span_parents")),
        row.path("input"),
        row.path("output"),
        row.path("expected"),
        scores,
        row.path("metadata"),
        strings(row.path("tags")),
        row.path("created").textValue(),
        row.path("_xact_id").textValue(),
        row);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>(array.size());
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}

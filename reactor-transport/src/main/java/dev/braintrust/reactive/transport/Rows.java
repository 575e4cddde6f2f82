package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.transport.internal.HttpCore;
import dev.braintrust.reactive.transport.internal.IngestTransport;
import dev.braintrust.reactive.transport.internal.Json;
import dev.braintrust.reactive.transport.internal.JsonReply;
import dev.braintrust.reactive.transport.internal.PageWalker;
import dev.braintrust.reactive.transport.internal.UriParts;
import dev.braintrust.reactive.transport.model.FetchedEvent;
import dev.braintrust.reactive.transport.model.InsertResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The rows of one project log, experiment or dataset, written and read directly rather than through
 * the exporter's buffer: for tools, back-fills and clean-ups that want each call's answer. The
 * destination is resolved to ids (creating it by name if needed) on first use. Calls are cold and
 * retried like every client call; bad input fails before anything is sent.
 */
public final class Rows {
  private final HttpCore http;
  private final Mono<Destination> destination;

  Rows(HttpCore http, Mono<Destination> destination) {
    this.http = http;
    this.destination = destination;
  }

  /**
   * Inserts (upserts by {@code id}) these events as they are, answering the row ids in order.
   * Events may carry {@code _is_merge}, {@code _merge_paths}, {@code _object_delete} and {@code
   * _parent_id} themselves; the methods below set them for you.
   */
  public Mono<InsertResponse> insert(List<? extends Map<String, ?>> events) {
    return Mono.defer(
        () -> {
          Objects.requireNonNull(events, "events");
          if (events.isEmpty()) {
            return Mono.error(new IllegalArgumentException("insert needs at least one event"));
          }
          ArrayNode array = Json.MAPPER.createArrayNode();
          for (int i = 0; i < events.size(); i++) {
            Map<String, ?> e = events.get(i);
            if (e == null) {
              return Mono.error(new IllegalArgumentException("event " + i + " is null"));
            }
            array.add(Json.MAPPER.valueToTree(e));
          }
          ObjectNode body = Json.MAPPER.createObjectNode();
          body.set("events", array);
          return destination
              .flatMap(d -> http.jsonReply(HttpMethod.POST, path(d, "insert"), body))
              .map(Rows::insertResponse);
        });
  }

  /**
   * Merges {@code fields} into the existing row {@code id}: objects are merged key by key, except
   * at {@code mergePaths} (each a list of keys from the root, e.g. {@code List.of("metadata",
   * "tags")}), where the new value replaces the old one whole.
   */
  public Mono<InsertResponse> merge(
      String id, Map<String, ?> fields, List<List<String>> mergePaths) {
    Map<String, Object> e = event(id, fields);
    e.put("_is_merge", true);
    if (!mergePaths.isEmpty()) {
      e.put("_merge_paths", List.copyOf(mergePaths));
    }
    return insert(List.of(e));
  }

  /** Deletes these rows by id ({@code _object_delete}). */
  public Mono<InsertResponse> delete(Collection<String> ids) {
    List<Map<String, Object>> events = new ArrayList<>(ids.size());
    for (String id : ids) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("id", Objects.requireNonNull(id, "id"));
      e.put("_object_delete", true);
      events.add(e);
    }
    return insert(events);
  }

  /**
   * Inserts {@code fields} as a child of the row {@code parentId} ({@code _parent_id}), for callers
   * that know a row's id but not its span ids.
   */
  public Mono<InsertResponse> insertChild(String parentId, Map<String, ?> fields) {
    Map<String, Object> e = new LinkedHashMap<>(fields);
    e.put("_parent_id", Objects.requireNonNull(parentId, "parentId"));
    return insert(List.of(e));
  }

  private static Map<String, Object> event(String id, Map<String, ?> fields) {
    Map<String, Object> e = new LinkedHashMap<>(Objects.requireNonNull(fields, "fields"));
    e.put("id", Objects.requireNonNull(id, "id"));
    return e;
  }

  /** Every row, 100 per request. */
  public Flux<FetchedEvent> fetch() {
    return fetch(FetchQuery.all());
  }

  /**
   * The rows matching {@code query} ({@code POST .../fetch}), following the cursor. Lazy: a page is
   * requested only when the subscriber has asked for more rows than earlier pages held. Ends with a
   * {@link BraintrustException} if the server sends a cursor again, or one with an empty page,
   * rather than asking for the same rows forever.
   */
  public Flux<FetchedEvent> fetch(FetchQuery query) {
    return destination
        .flatMapMany(
            d -> {
              String path = path(d, "fetch");
              Set<String> seen = ConcurrentHashMap.newKeySet();
              return PageWalker.walk(
                  cursor ->
                      http.jsonReply(HttpMethod.POST, path, fetchBody(query, cursor))
                          .map(page -> fetchPage(path, page, seen)));
            })
        .map(FetchedEvent::of);
  }

  /**
   * One page of rows by the GET form ({@code GET .../fetch?limit=}); for experiments also {@code
   * max_xact_id} and {@code max_root_span_id}, the only other parameters the spec gives it.
   */
  public Flux<FetchedEvent> fetchPage(FetchQuery query) {
    return destination
        .flatMapMany(
            d -> {
              Map<String, String> params = new LinkedHashMap<>();
              params.put("limit", Integer.toString(query.pageSize()));
              boolean experiment = d.kind() == Destination.Kind.EXPERIMENT;
              if (!query.filters().isEmpty() || query.version() != null) {
                throw new IllegalArgumentException(
                    "the GET form of fetch takes no filters or version; use fetch(query)");
              }
              if (!experiment && (query.maxXactId() != null || query.maxRootSpanId() != null)) {
                throw new IllegalArgumentException(
                    "only experiments take max_xact_id/max_root_span_id in the GET form");
              }
              putIfSet(params, "max_xact_id", query.maxXactId());
              putIfSet(params, "max_root_span_id", query.maxRootSpanId());
              return http.jsonReply(
                      HttpMethod.GET, UriParts.withQuery(path(d, "fetch"), params), null)
                  .flatMapIterable(page -> page.objects("events"));
            })
        .map(FetchedEvent::of);
  }

  private static void putIfSet(Map<String, String> params, String key, String value) {
    if (value != null) {
      params.put(key, value);
    }
  }

  private static ObjectNode fetchBody(FetchQuery q, String cursor) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("limit", q.pageSize());
    if (cursor != null) {
      body.put("cursor", cursor);
    }
    if (!q.filters().isEmpty()) {
      body.set("filters", Json.MAPPER.valueToTree(q.filters()));
    }
    if (q.version() != null) {
      body.put("version", q.version());
    }
    if (q.maxXactId() != null) {
      body.put("max_xact_id", q.maxXactId());
    }
    if (q.maxRootSpanId() != null) {
      body.put("max_root_span_id", q.maxRootSpanId());
    }
    return body;
  }

  private PageWalker.Page fetchPage(String path, JsonReply page, Set<String> seen) {
    JsonNode events = page.objects("events");
    String next = page.optionalText("cursor");
    if (next == null || next.isEmpty()) {
      return new PageWalker.Page(events, null);
    }
    if (events.size() == 0 || !seen.add(next)) {
      String shown = next.length() > 100 ? next.substring(0, 100) + "..." : next;
      throw new BraintrustException(
          http.errors()
              .redact(
                  "fetch "
                      + path
                      + ": the server returned cursor '"
                      + shown
                      + "' "
                      + (events.size() == 0 ? "with an empty page" : "a second time")
                      + "; stopping rather than asking for the same rows again"));
    }
    return new PageWalker.Page(events, next);
  }

  /** Logs feedback on rows. Completes when the server acknowledged it. */
  public Mono<Void> feedback(List<Feedback> items) {
    return Mono.defer(
        () -> {
          Objects.requireNonNull(items, "items");
          if (items.isEmpty()) {
            return Mono.error(new IllegalArgumentException("feedback needs at least one item"));
          }
          List<Map<String, Object>> json = new ArrayList<>(items.size());
          for (Feedback f : items) {
            json.add(Objects.requireNonNull(f, "feedback item").toJson());
          }
          JsonNode body = Json.MAPPER.valueToTree(Map.of("feedback", json));
          return destination
              .flatMap(d -> http.json(HttpMethod.POST, path(d, "feedback"), body))
              .then();
        });
  }

  private static InsertResponse insertResponse(JsonReply reply) {
    JsonNode ids = reply.array("row_ids");
    List<String> out = new ArrayList<>(ids.size());
    for (JsonNode n : ids) {
      if (!n.isTextual()) {
        throw reply.malformed("an object with a 'row_ids' array of strings");
      }
      out.add(n.asText());
    }
    return new InsertResponse(out);
  }

  private static String path(Destination d, String op) {
    return IngestTransport.rowsPath(d, op);
  }
}

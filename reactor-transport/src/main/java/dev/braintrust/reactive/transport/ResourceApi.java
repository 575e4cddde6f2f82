package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.transport.internal.HttpCore;
import dev.braintrust.reactive.transport.internal.Json;
import dev.braintrust.reactive.transport.internal.PageWalker;
import dev.braintrust.reactive.transport.internal.UriParts;
import io.netty.handler.codec.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One {@link Resource}'s calls, answering {@code T}: a typed record such as {@link
 * dev.braintrust.reactive.transport.model.Project}, or {@link JsonNode} for the untyped view. Every
 * call is cold: nothing is sent until subscription. Bodies are maps or any object Jackson writes as
 * a JSON object; a body missing a field the spec requires, or a call the spec does not define for
 * this resource, fails before sending. The server's refusals arrive as {@link
 * BraintrustApiException} (404 for an unknown id), never retried.
 *
 * @param <T> what each object is read as
 */
public final class ResourceApi<T> {
  private static final int PAGE_SIZE = 100;

  private final HttpCore http;
  private final Resource resource;
  private final Class<T> type;

  ResourceApi(HttpCore http, Resource resource, Class<T> type) {
    this.http = http;
    this.resource = resource;
    this.type = type;
  }

  /** The resource these calls act on. */
  public Resource resource() {
    return resource;
  }

  /** {@code POST}: creates an object (for projects, returns the existing one of that name). */
  public Mono<T> create(Object body) {
    return send(Resource.Operation.CREATE, HttpMethod.POST, resource.collectionPath(), body, true);
  }

  /** {@code PUT}: creates the object, or replaces the one with the same slug in the project. */
  public Mono<T> replace(Object body) {
    return send(Resource.Operation.REPLACE, HttpMethod.PUT, resource.collectionPath(), body, true);
  }

  /** {@code GET} by id; a {@link BraintrustApiException} with status 404 when there is none. */
  public Mono<T> get(String id) {
    return send(Resource.Operation.GET, HttpMethod.GET, objectPath(id), null, false);
  }

  /** {@code PATCH} by id: sets the fields given, leaves the rest. */
  public Mono<T> patch(String id, Object body) {
    return send(Resource.Operation.PATCH, HttpMethod.PATCH, objectPath(id), body, false);
  }

  /** {@code DELETE} by id, answering the deleted object. */
  public Mono<T> delete(String id) {
    return send(Resource.Operation.DELETE, HttpMethod.DELETE, objectPath(id), null, false);
  }

  /** Every object. */
  public Flux<T> list() {
    return list(ListQuery.all());
  }

  /**
   * The objects matching {@code query}, lazily: for resources the spec pages ({@code
   * starting_after}: projects, experiments) the next page is requested only once the subscriber has
   * used up the last; the others come in one response, emitted as the subscriber asks.
   */
  public Flux<T> list(ListQuery query) {
    return Flux.defer(
            () -> {
              unsupported(Resource.Operation.LIST);
              Map<String, String> params = new LinkedHashMap<>(query.params(resource));
              if (!resource.pagesByCursor()) {
                if (query.pageSize() > 0) {
                  params.put("limit", Integer.toString(query.pageSize()));
                }
                return objects(UriParts.withQuery(resource.collectionPath(), params));
              }
              int size = query.pageSize() > 0 ? query.pageSize() : PAGE_SIZE;
              params.put("limit", Integer.toString(size));
              String first = UriParts.withQuery(resource.collectionPath(), params);
              return PageWalker.walk(
                  after ->
                      http.json(
                              HttpMethod.GET,
                              after == null
                                  ? first
                                  : UriParts.withQuery(first, Map.of("starting_after", after)),
                              null)
                          .map(page -> page(page.path("objects"), after, size)));
            })
        .map(this::read);
  }

  private Flux<JsonNode> objects(String path) {
    return http.json(HttpMethod.GET, path, null).flatMapIterable(n -> n.path("objects"));
  }

  /** A full page continues after its last object's id; a short one is the last. */
  private static PageWalker.Page page(JsonNode objects, @Nullable String after, int size) {
    if (objects.size() < size) {
      return new PageWalker.Page(objects, null);
    }
    String last = objects.get(objects.size() - 1).path("id").asText("");
    // A server that ignores the cursor would hand back the same page forever.
    return new PageWalker.Page(objects, last.equals(after) ? null : last);
  }

  private Mono<T> send(
      Resource.Operation op,
      HttpMethod method,
      String path,
      @Nullable Object body,
      boolean checkRequired) {
    return Mono.defer(
        () -> {
          unsupported(op);
          ObjectNode json = body == null ? null : object(body, checkRequired);
          return http.json(method, path, json).map(this::read);
        });
  }

  private void unsupported(Resource.Operation op) {
    if (!resource.supports(op)) {
      throw new UnsupportedOperationException(
          "the API has no " + op + " for " + resource.collectionPath());
    }
  }

  private String objectPath(String id) {
    return resource.collectionPath() + "/" + UriParts.segment(Objects.requireNonNull(id, "id"));
  }

  private ObjectNode object(Object body, boolean checkRequired) {
    JsonNode json = Json.MAPPER.valueToTree(Objects.requireNonNull(body, "body"));
    if (!(json instanceof ObjectNode)) {
      throw new IllegalArgumentException(
          "a "
              + resource.collectionPath()
              + " body must be a JSON object, got "
              + json.getNodeType());
    }
    if (checkRequired) {
      for (String field : resource.requiredOnCreate()) {
        if (json.path(field).isMissingNode() || json.get(field).isNull()) {
          throw new IllegalArgumentException(
              "creating in " + resource.collectionPath() + " needs '" + field + "'");
        }
      }
    }
    return (ObjectNode) json;
  }

  private T read(JsonNode node) {
    if (type == JsonNode.class) {
      return type.cast(node);
    }
    return Json.read(node, type, resource.collectionPath());
  }
}

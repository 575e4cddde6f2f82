package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.transport.internal.HttpCore;
import dev.braintrust.reactive.transport.internal.Json;
import dev.braintrust.reactive.transport.internal.JsonReply;
import dev.braintrust.reactive.transport.internal.PageWalker;
import dev.braintrust.reactive.transport.internal.UriParts;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  /**
   * {@code GET} by id at a version (a transaction id), for prompts and functions, whose past
   * versions the API serves ({@code ?version=}, as the official SDKs load a pinned prompt).
   *
   * @throws UnsupportedOperationException for other resources
   */
  public Mono<T> get(String id, String version) {
    Objects.requireNonNull(version, "version");
    if (resource != Resource.PROMPT && resource != Resource.FUNCTION) {
      throw new UnsupportedOperationException(
          "the API serves no versions of " + resource.collectionPath() + " objects");
    }
    return send(
        Resource.Operation.GET,
        HttpMethod.GET,
        UriParts.withQuery(objectPath(id), Map.of("version", version)),
        null,
        false);
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
   * The objects matching {@code query}. Without {@link ListQuery#pageSize} no {@code limit} is sent
   * (as the official SDKs do) and the API answers every object at once. With one, resources the API
   * pages by {@code starting_after} (projects, experiments) are walked lazily: the next page is
   * requested only once the subscriber has used up the last. A reply whose {@code objects} is not
   * an array of objects fails with {@link BraintrustApiException}.
   */
  public Flux<T> list(ListQuery query) {
    return Flux.defer(
        () -> {
          unsupported(Resource.Operation.LIST);
          Map<String, String> params = new LinkedHashMap<>(query.params(resource));
          // Like the official SDKs, no limit unless asked for: the API then answers every object.
          if (query.pageSize() > 0) {
            params.put("limit", Integer.toString(query.pageSize()));
          }
          String first =
              UriParts.withRepeated(
                  UriParts.withQuery(resource.collectionPath(), params), "ids", query.ids());
          if (query.pageSize() == 0 || !resource.pagesByCursor()) {
            return http.jsonReply(HttpMethod.GET, first, null).flatMapIterable(this::readAll);
          }
          int size = query.pageSize();
          return PageWalker.walk(
                  after ->
                      http.jsonReply(
                              HttpMethod.GET,
                              after == null
                                  ? first
                                  : UriParts.withQuery(first, Map.of("starting_after", after)),
                              null)
                          .map(reply -> page(reply, after, size)))
              .map(this::read);
        });
  }

  private List<T> readAll(JsonReply reply) {
    JsonNode objects = reply.objects("objects");
    List<T> out = new ArrayList<>(objects.size());
    for (JsonNode o : objects) {
      out.add(read(reply, o));
    }
    return out;
  }

  /** A full page continues after its last object's id; a short one is the last. */
  private PageWalker.Page page(JsonReply reply, @Nullable String after, int size) {
    JsonNode objects = reply.objects("objects");
    for (JsonNode o : objects) {
      read(reply, o);
    }
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
          return http.jsonReply(method, path, json).map(r -> read(r, r.json()));
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

  /** {@code node} as a {@code T}, a malformed answer of {@code reply} if it is not one. */
  private T read(JsonReply reply, JsonNode node) {
    if (type == JsonNode.class) {
      if (!node.isObject()) {
        throw reply.malformed("a JSON object");
      }
      return type.cast(node);
    }
    return reply.read(node, type);
  }
}

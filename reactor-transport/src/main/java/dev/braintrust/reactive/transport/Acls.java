package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.transport.internal.HttpCore;
import dev.braintrust.reactive.transport.internal.Json;
import dev.braintrust.reactive.transport.model.Acl;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Access-control entries ({@code /v1/acl}). An entry is named by its content, not its id: the
 * object ({@code object_type}, {@code object_id}, both required), who ({@code user_id} or {@code
 * group_id}) and what ({@code permission} or {@code role_id}, optionally {@code
 * restrict_object_type}). Creating an entry that exists returns it.
 */
public final class Acls {
  private final HttpCore http;
  private final ResourceApi<Acl> api;

  Acls(HttpCore http) {
    this.http = http;
    this.api = new ResourceApi<>(http, Resource.ACL, Acl.class);
  }

  /** The entries on one object, e.g. {@code list("project", projectId)}. */
  public Flux<Acl> list(String objectType, String objectId) {
    return api.list(ListQuery.all().objectType(objectType).objectId(objectId));
  }

  /** Grants an entry. */
  public Mono<Acl> create(Map<String, ?> acl) {
    return api.create(acl);
  }

  /** Revokes the entry with this content, answering it. */
  public Mono<Acl> delete(Map<String, ?> acl) {
    return Mono.defer(() -> http.json(HttpMethod.DELETE, "/v1/acl", entry(acl, "acl")))
        .map(Acls::read);
  }

  /** What a batch update added and removed. */
  public record Changes(List<Acl> added, List<Acl> removed) {
    /** Copies the lists. */
    public Changes {
      added = List.copyOf(added);
      removed = List.copyOf(removed);
    }
  }

  /** Adds and removes entries in one request ({@code POST /v1/acl/batch_update}). */
  public Mono<Changes> batchUpdate(
      List<? extends Map<String, ?>> add, List<? extends Map<String, ?>> remove) {
    return Mono.defer(
            () -> {
              ObjectNode body = Json.MAPPER.createObjectNode();
              body.set("add_acls", entries(add, "add"));
              body.set("remove_acls", entries(remove, "remove"));
              return http.json(HttpMethod.POST, "/v1/acl/batch_update", body);
            })
        .map(r -> new Changes(acls(r.path("added_acls")), acls(r.path("removed_acls"))));
  }

  private static ArrayNode entries(List<? extends Map<String, ?>> list, String what) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    Objects.requireNonNull(list, what);
    for (int i = 0; i < list.size(); i++) {
      out.add(entry(list.get(i), what + "[" + i + "]"));
    }
    return out;
  }

  private static ObjectNode entry(Map<String, ?> acl, String what) {
    Objects.requireNonNull(acl, what);
    for (String field : List.of("object_type", "object_id")) {
      if (acl.get(field) == null) {
        throw new IllegalArgumentException(what + " needs '" + field + "'");
      }
    }
    return Json.MAPPER.valueToTree(acl);
  }

  private static List<Acl> acls(JsonNode array) {
    List<Acl> out = new ArrayList<>(array.size());
    array.forEach(n -> out.add(read(n)));
    return out;
  }

  private static Acl read(JsonNode n) {
    return Json.read(n, Acl.class, "/v1/acl");
  }
}

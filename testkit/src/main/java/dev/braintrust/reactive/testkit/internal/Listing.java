package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the object resources share: lists filtered by query parameters and paged, get and delete by
 * id with 404 for an unknown id, and lookups of referenced objects.
 *
 * <p>Every list takes {@code limit}, {@code starting_after}, {@code ending_before}, {@code ids} and
 * {@code org_name} (objects all belong to the one organization, so another name lists nothing);
 * project-scoped lists also take {@code project_id} and {@code project_name}. Any other parameter
 * is a 400.
 */
final class Listing {
  /** The parameters every list takes. */
  static final Set<String> COMMON =
      Set.of("limit", "starting_after", "ending_before", "ids", "org_name");

  private Listing() {}

  /**
   * Registers {@code GET /v1/KIND} (a list filtered by {@code filters}: query parameter to field),
   * {@code GET /v1/KIND/{id}} and, with {@code deletable}, {@code DELETE /v1/KIND/{id}}.
   */
  static void routes(
      Router.Builder routes,
      ObjectStore objects,
      String kind,
      Map<String, String> filters,
      boolean projectScoped,
      boolean deletable) {
    listRoute(routes, objects, kind, filters, projectScoped);
    routes.on(
        "GET",
        "/v1/" + kind + "/([^/]+)",
        (ex, p) -> {
          Query.none(ex);
          return Reply.ok(existing(objects, kind, p.get(0)));
        });
    if (deletable) {
      routes.on(
          "DELETE",
          "/v1/" + kind + "/([^/]+)",
          (ex, p) -> Reply.ok(found(kind, p.get(0), objects.delete(kind, p.get(0)))));
    }
  }

  /** Registers only {@code GET /v1/KIND}, for kinds the spec lists but does not serve by id. */
  static void listRoute(
      Router.Builder routes,
      ObjectStore objects,
      String kind,
      Map<String, String> filters,
      boolean projectScoped) {
    routes.on("GET", "/v1/" + kind, (ex, p) -> list(objects, ex, kind, filters, projectScoped));
  }

  /** A page of the live objects of {@code kind} matching the request's filters. */
  static Reply list(
      ObjectStore objects,
      Exchange ex,
      String kind,
      Map<String, String> filters,
      boolean projectScoped) {
    Set<String> allowed = new HashSet<>(COMMON);
    allowed.addAll(filters.keySet());
    if (projectScoped) {
      allowed.add("project_id");
      allowed.add("project_name");
    }
    Query.allow(ex, allowed);
    Map<String, @Nullable String> where = new HashMap<>();
    filters.forEach((param, field) -> where.put(field, ex.param(param)));
    boolean any = inOrg(ex) && (!projectScoped || projectFilter(objects, ex, where));
    return Reply.ok(Pages.page(any ? objects.list(kind, where) : List.of(), ex));
  }

  /** False when {@code org_name} names another organization than the server's. */
  static boolean inOrg(Exchange ex) {
    String org = ex.param("org_name");
    return org == null || org.equals(Seeds.ORG_NAME);
  }

  /**
   * Adds the {@code project_id} and {@code project_name} filters to {@code where}; false when the
   * named project does not exist, so nothing can match.
   */
  static boolean projectFilter(
      ObjectStore objects, Exchange ex, Map<String, @Nullable String> where) {
    String projectId = ex.param("project_id");
    String projectName = ex.param("project_name");
    if (projectName != null) {
      ObjectNode named = projectNamed(objects, projectName);
      if (named == null) {
        return false;
      }
      String namedId = named.get("id").asText();
      if (projectId != null && !projectId.equals(namedId)) {
        return false;
      }
      projectId = namedId;
    }
    where.put("project_id", projectId);
    return true;
  }

  /** The live project with this name, or null. */
  static @Nullable ObjectNode projectNamed(ObjectStore objects, String name) {
    Map<String, @Nullable String> byName = new HashMap<>();
    byName.put("name", name);
    List<ObjectNode> named = objects.list("project", byName);
    return named.isEmpty() ? null : named.get(0);
  }

  /** The live object of this kind with this id; 404 when there is none. */
  static ObjectNode existing(ObjectStore objects, String kind, String id) {
    return found(kind, id, objects.get(kind, id));
  }

  /** {@code object}, or 404 naming the kind and id when it is null. */
  static ObjectNode found(String kind, String id, @Nullable ObjectNode object) {
    if (object == null) {
      throw HttpError.notFound(kind + " '" + id + "' not found");
    }
    return object;
  }

  /** The live objects of a kind whose {@code field} equals {@code value}. */
  static List<ObjectNode> where(ObjectStore objects, String kind, String field, String value) {
    Map<String, @Nullable String> w = new HashMap<>();
    w.put(field, value);
    return new ArrayList<>(objects.list(kind, w));
  }

  /** Fails with 404 unless {@code orgName} (when given) is the server's organization. */
  static void checkOrg(@Nullable String orgName) {
    if (orgName != null && !orgName.equals(Seeds.ORG_NAME)) {
      throw HttpError.notFound("organization '" + orgName + "' not found");
    }
  }
}

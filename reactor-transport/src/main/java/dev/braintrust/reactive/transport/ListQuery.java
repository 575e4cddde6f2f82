package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Filters for listing a {@link Resource}, immutable: each method returns a new query. {@link
 * Resource#listFilters()} names the filters the real API takes for each list; any other is still
 * sent (the API may know it), with a debug log the first time.
 *
 * <pre>{@code
 * client.experiments().list(ListQuery.all().projectId(pid).name("nightly"))
 * }</pre>
 */
public final class ListQuery {
  private static final LibraryLog LOG = LibraryLog.get(ListQuery.class);
  private static final ListQuery ALL = new ListQuery(Map.of(), null, 0, List.of());
  // Resource path + filter name, logged once each.
  private static final Set<String> UNKNOWN_LOGGED = ConcurrentHashMap.newKeySet();

  private final Map<String, String> filters;
  private final @Nullable String name;
  private final int pageSize;
  private final List<String> ids;

  private ListQuery(
      Map<String, String> filters, @Nullable String name, int pageSize, List<String> ids) {
    this.filters = filters;
    this.name = name;
    this.pageSize = pageSize;
    this.ids = ids;
  }

  /** No filter: every object. */
  public static ListQuery all() {
    return ALL;
  }

  /** Objects of this project ({@code project_id}). */
  public ListQuery projectId(String projectId) {
    return with("project_id", projectId);
  }

  /** Objects of the project with this name ({@code project_name}). */
  public ListQuery projectName(String projectName) {
    return with("project_name", projectName);
  }

  /**
   * Objects with this name, whatever the resource calls the filter ({@code experiment_name}, {@code
   * prompt_name}, ...).
   */
  public ListQuery name(String name) {
    return new ListQuery(filters, Objects.requireNonNull(name, "name"), pageSize, ids);
  }

  /** Prompts and functions with this slug. */
  public ListQuery slug(String slug) {
    return with("slug", slug);
  }

  /** Objects of this organization ({@code org_name}). */
  public ListQuery orgName(String orgName) {
    return with("org_name", orgName);
  }

  /** Users with this email. */
  public ListQuery email(String email) {
    return with("email", email);
  }

  /** Views and ACLs of this object type ({@code project}, {@code experiment}, ...). */
  public ListQuery objectType(String objectType) {
    return with("object_type", objectType);
  }

  /** Views and ACLs of this object. */
  public ListQuery objectId(String objectId) {
    return with("object_id", objectId);
  }

  /** Only the objects with these ids ({@code ids}, sent once per id). */
  public ListQuery ids(List<String> ids) {
    Objects.requireNonNull(ids, "ids");
    for (String id : ids) {
      Objects.requireNonNull(id, "an id in ids");
    }
    return new ListQuery(filters, name, pageSize, List.copyOf(ids));
  }

  /**
   * Prompts and functions as they were at this version (a transaction id), as the official SDKs
   * load a pinned prompt or function.
   */
  public ListQuery version(String version) {
    return with("version", version);
  }

  /**
   * Any filter by its API name, for those this class does not name. A filter the resource is not
   * known to take is sent all the same, and logged at debug level once.
   */
  public ListQuery filter(String name, String value) {
    return with(name, value);
  }

  /**
   * Objects per request ({@code limit}). Unset, no limit is sent and the API answers every object
   * in one response; set, projects and experiments are walked page by page ({@code starting_after})
   * and the other lists return at most this many.
   */
  public ListQuery pageSize(int pageSize) {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize must be positive, got " + pageSize);
    }
    return new ListQuery(filters, name, pageSize, ids);
  }

  private ListQuery with(String key, String value) {
    Objects.requireNonNull(value, key);
    Map<String, String> f = new LinkedHashMap<>(filters);
    f.put(Objects.requireNonNull(key, "filter name"), value);
    // In the caller's order, so requests read as written (and as the SDKs send them).
    return new ListQuery(java.util.Collections.unmodifiableMap(f), name, pageSize, ids);
  }

  /** The filters as query parameters for {@code resource} ({@code ids} aside). */
  Map<String, String> params(Resource resource) {
    Map<String, String> out = new LinkedHashMap<>();
    if (name != null) {
      String key = resource.nameFilter();
      if (key == null) {
        throw new IllegalArgumentException(resource.collectionPath() + " has no name filter");
      }
      out.put(key, name);
    }
    for (Map.Entry<String, String> f : filters.entrySet()) {
      if (!resource.listFilters().contains(f.getKey())
          && UNKNOWN_LOGGED.add(resource.collectionPath() + " " + f.getKey())) {
        LOG.debug(
            "{} is not known to take the filter '{}' (it takes {}); sending it anyway",
            resource.collectionPath(),
            f.getKey(),
            String.join(", ", resource.listFilters()));
      }
      out.merge(
          f.getKey(),
          f.getValue(),
          (a, b) -> {
            throw new IllegalArgumentException("'" + f.getKey() + "' set twice");
          });
    }
    return out;
  }

  /** The ids to list, empty for all. */
  List<String> ids() {
    return ids;
  }

  /** The page size, or 0 when not set. */
  int pageSize() {
    return pageSize;
  }

  @Override
  public String toString() {
    return "ListQuery"
        + filters
        + (name == null ? "" : " name=" + name)
        + (ids.isEmpty() ? "" : " ids=" + ids);
  }
}

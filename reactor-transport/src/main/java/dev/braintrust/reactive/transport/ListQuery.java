package dev.braintrust.reactive.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Filters for listing a {@link Resource}, immutable: each method returns a new query. Which filters
 * a resource takes is the spec's to say ({@link Resource#listFilters()}); a list call with any
 * other fails before sending.
 *
 * <pre>{@code
 * client.experiments().list(ListQuery.all().projectId(pid).name("nightly"))
 * }</pre>
 */
public final class ListQuery {
  private static final ListQuery ALL = new ListQuery(Map.of(), null, 0);

  private final Map<String, String> filters;
  private final @Nullable String name;
  private final int pageSize;

  private ListQuery(Map<String, String> filters, @Nullable String name, int pageSize) {
    this.filters = filters;
    this.name = name;
    this.pageSize = pageSize;
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
    return new ListQuery(filters, Objects.requireNonNull(name, "name"), pageSize);
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

  /** Any filter by its API name, for those this class does not name. */
  public ListQuery filter(String name, String value) {
    return with(name, value);
  }

  /**
   * Objects per request ({@code limit}), 100 by default for resources that page; for those the spec
   * gives no cursor, the most objects the list returns.
   */
  public ListQuery pageSize(int pageSize) {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize must be positive, got " + pageSize);
    }
    return new ListQuery(filters, name, pageSize);
  }

  private ListQuery with(String key, String value) {
    Objects.requireNonNull(value, key);
    Map<String, String> f = new LinkedHashMap<>(filters);
    f.put(Objects.requireNonNull(key, "filter name"), value);
    return new ListQuery(Map.copyOf(f), name, pageSize);
  }

  /** The filters as query parameters for {@code resource}, checked against the spec's list. */
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
      if (!resource.listFilters().contains(f.getKey())) {
        throw new IllegalArgumentException(
            resource.collectionPath()
                + " has no filter '"
                + f.getKey()
                + "'; it takes "
                + String.join(", ", resource.listFilters()));
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

  /** The page size, or 0 when not set. */
  int pageSize() {
    return pageSize;
  }

  @Override
  public String toString() {
    return "ListQuery" + filters + (name == null ? "" : " name=" + name);
  }
}

package dev.braintrust.reactive.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to fetch from a log, experiment or dataset, immutable: each method returns a new query.
 *
 * <pre>{@code
 * client.rows(destination).fetch(FetchQuery.all().pageSize(500).version(xactId))
 * }</pre>
 */
public final class FetchQuery {
  private static final FetchQuery ALL = new FetchQuery(100, List.of(), null, null, null);

  private final int pageSize;
  private final List<Map<String, ?>> filters;
  private final @Nullable String version;
  private final @Nullable String maxXactId;
  private final @Nullable String maxRootSpanId;

  private FetchQuery(
      int pageSize,
      List<Map<String, ?>> filters,
      @Nullable String version,
      @Nullable String maxXactId,
      @Nullable String maxRootSpanId) {
    this.pageSize = pageSize;
    this.filters = filters;
    this.version = version;
    this.maxXactId = maxXactId;
    this.maxRootSpanId = maxRootSpanId;
  }

  /** Every row, 100 per request. */
  public static FetchQuery all() {
    return ALL;
  }

  /** Rows per request ({@code limit}). */
  public FetchQuery pageSize(int pageSize) {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize must be positive, got " + pageSize);
    }
    return new FetchQuery(pageSize, filters, version, maxXactId, maxRootSpanId);
  }

  /**
   * Adds a path-lookup filter, e.g. {@code Map.of("type", "path_lookup", "path",
   * List.of("metadata", "user"), "value", "u1")}.
   */
  public FetchQuery filter(Map<String, ?> filter) {
    Objects.requireNonNull(filter, "filter");
    if (!filter.containsKey("type")) {
      throw new IllegalArgumentException("a fetch filter needs a 'type', got " + filter.keySet());
    }
    List<Map<String, ?>> f = new ArrayList<>(filters);
    f.add(Map.copyOf(filter));
    return new FetchQuery(pageSize, List.copyOf(f), version, maxXactId, maxRootSpanId);
  }

  /** Reads the rows as of this version (a transaction id). */
  public FetchQuery version(String version) {
    return new FetchQuery(
        pageSize, filters, Objects.requireNonNull(version, "version"), maxXactId, maxRootSpanId);
  }

  /** Only rows up to this transaction id. */
  public FetchQuery maxXactId(String maxXactId) {
    return new FetchQuery(
        pageSize, filters, version, Objects.requireNonNull(maxXactId, "maxXactId"), maxRootSpanId);
  }

  /** Only traces up to this root span id (with {@link #maxXactId}). */
  public FetchQuery maxRootSpanId(String maxRootSpanId) {
    return new FetchQuery(
        pageSize,
        filters,
        version,
        maxXactId,
        Objects.requireNonNull(maxRootSpanId, "maxRootSpanId"));
  }

  int pageSize() {
    return pageSize;
  }

  List<Map<String, ?>> filters() {
    return filters;
  }

  @Nullable String version() {
    return version;
  }

  @Nullable String maxXactId() {
    return maxXactId;
  }

  @Nullable String maxRootSpanId() {
    return maxRootSpanId;
  }
}

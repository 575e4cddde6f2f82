package dev.braintrust.reactive.eval;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which state of a dataset an eval reads, as the spec's {@code dataset-versions} describes: the
 * head, an exact version ({@code _xact_id}), a named snapshot or an environment tag. Whatever the
 * selector, it is resolved to a concrete version before the first record is read, every page is
 * read at that version, and the experiment records it as {@code dataset_version}.
 */
public final class DatasetVersion {
  private static final DatasetVersion HEAD = new DatasetVersion(Kind.HEAD, null);

  /** The kind of selector. */
  public enum Kind {
    /** The latest version when the eval starts. */
    HEAD,
    /** An exact version. */
    VERSION,
    /** A snapshot's version. */
    SNAPSHOT,
    /** An environment tag's version. */
    ENVIRONMENT
  }

  private final Kind kind;
  private final @Nullable String value;

  private DatasetVersion(Kind kind, @Nullable String value) {
    this.kind = kind;
    this.value = value;
  }

  /** The head version at the start of the eval. */
  public static DatasetVersion head() {
    return HEAD;
  }

  /** An exact version ({@code _xact_id}). */
  public static DatasetVersion version(String xactId) {
    return new DatasetVersion(Kind.VERSION, nonBlank(xactId, "version"));
  }

  /** The version a named snapshot points at. */
  public static DatasetVersion snapshot(String name) {
    return new DatasetVersion(Kind.SNAPSHOT, nonBlank(name, "snapshot name"));
  }

  /** The version an environment (by slug, e.g. {@code production}) is tagged with. */
  public static DatasetVersion environment(String slug) {
    return new DatasetVersion(Kind.ENVIRONMENT, nonBlank(slug, "environment slug"));
  }

  /** The kind of selector. */
  public Kind kind() {
    return kind;
  }

  /** The version, snapshot name or environment slug; null for the head. */
  public @Nullable String value() {
    return value;
  }

  private static String nonBlank(String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isBlank()) {
      throw new IllegalArgumentException("a dataset " + what + " must not be blank");
    }
    return s;
  }

  @Override
  public String toString() {
    return value == null ? "head" : kind.name().toLowerCase(java.util.Locale.ROOT) + " " + value;
  }
}

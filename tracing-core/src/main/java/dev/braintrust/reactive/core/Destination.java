package dev.braintrust.reactive.core;

import dev.braintrust.reactive.core.internal.Validation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where events go: a project's logs, an experiment or a dataset, named by id or by name.
 *
 * <p>Destinations named by name are resolved to ids once by the transport (create-or-get) and
 * cached. Instances are immutable and usable as map keys.
 */
public final class Destination {

  /** The kind of Braintrust object that receives events. */
  public enum Kind {
    /** {@code /v1/project_logs/{id}}. */
    PROJECT_LOGS("project_logs"),
    /** {@code /v1/experiment/{id}}. */
    EXPERIMENT("experiment"),
    /** {@code /v1/dataset/{id}}. */
    DATASET("dataset");

    private final String path;

    Kind(String path) {
      this.path = path;
    }

    /**
     * The path segment used in the REST API, e.g. {@code project_logs}.
     *
     * @return the path segment used in the REST API
     */
    public String pathSegment() {
      return path;
    }
  }

  private final Kind kind;
  private final @Nullable String id;
  private final @Nullable String projectName;
  private final @Nullable String objectName;

  private Destination(
      Kind kind, @Nullable String id, @Nullable String projectName, @Nullable String objectName) {
    this.kind = kind;
    this.id = id;
    this.projectName = projectName;
    this.objectName = objectName;
  }

  /**
   * The logs of the project with this id.
   *
   * @param projectId the project id
   * @return the logs of the project with this id
   */
  public static Destination projectLogs(String projectId) {
    return new Destination(Kind.PROJECT_LOGS, requireText(projectId, "projectId"), null, null);
  }

  /**
   * The logs of the project with this name; the project is created if it does not exist.
   *
   * @param projectName the project name
   * @return the logs of the project with this name; the project is created if it does not exist
   */
  public static Destination projectLogsByName(String projectName) {
    return new Destination(Kind.PROJECT_LOGS, null, requireText(projectName, "projectName"), null);
  }

  /**
   * The experiment with this id.
   *
   * @param experimentId the experiment id
   * @return the experiment with this id
   */
  public static Destination experiment(String experimentId) {
    return new Destination(Kind.EXPERIMENT, requireText(experimentId, "experimentId"), null, null);
  }

  /**
   * The experiment with this name in the named project; both are created if missing.
   *
   * @param projectName the project name
   * @param experimentName the experiment name
   * @return the experiment with this name in the named project; both are created if missing
   */
  public static Destination experimentByName(String projectName, String experimentName) {
    return new Destination(
        Kind.EXPERIMENT,
        null,
        requireText(projectName, "projectName"),
        requireText(experimentName, "experimentName"));
  }

  /**
   * The dataset with this id.
   *
   * @param datasetId the dataset id
   * @return the dataset with this id
   */
  public static Destination dataset(String datasetId) {
    return new Destination(Kind.DATASET, requireText(datasetId, "datasetId"), null, null);
  }

  /**
   * The dataset with this name in the named project; both are created if missing.
   *
   * @param projectName the project name
   * @param datasetName the dataset name
   * @return the dataset with this name in the named project; both are created if missing
   */
  public static Destination datasetByName(String projectName, String datasetName) {
    return new Destination(
        Kind.DATASET,
        null,
        requireText(projectName, "projectName"),
        requireText(datasetName, "datasetName"));
  }

  /**
   * Parses the {@code braintrust.parent} form used by the official SDKs: {@code project_id:ID},
   * {@code project_name:NAME}, {@code experiment_id:ID} or {@code dataset_id:ID}.
   *
   * @param parent the parent, in one of those forms
   * @return the destination
   * @throws IllegalArgumentException for any other form
   */
  public static Destination parse(String parent) {
    Objects.requireNonNull(parent, "parent");
    int colon = parent.indexOf(':');
    if (colon > 0) {
      String key = parent.substring(0, colon).trim();
      String value = parent.substring(colon + 1).trim();
      if (!value.isEmpty()) {
        switch (key) {
          case "project_id":
            return projectLogs(value);
          case "project_name":
            return projectLogsByName(value);
          case "experiment_id":
            return experiment(value);
          case "dataset_id":
            return dataset(value);
          default:
            break;
        }
      }
    }
    throw new IllegalArgumentException(
        "invalid Braintrust parent '"
            + parent
            + "'; expected project_id:ID, project_name:NAME, experiment_id:ID or dataset_id:ID");
  }

  /**
   * The kind of object.
   *
   * @return the kind of object
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The object's id, or null when it is named by name and not yet resolved.
   *
   * @return the object's id, or null when it is named by name and not yet resolved
   */
  public @Nullable String id() {
    return id;
  }

  /**
   * The project name, for destinations named by name.
   *
   * @return the project name, for destinations named by name
   */
  public @Nullable String projectName() {
    return projectName;
  }

  /**
   * The experiment or dataset name, for those named by name.
   *
   * @return the experiment or dataset name, for those named by name
   */
  public @Nullable String objectName() {
    return objectName;
  }

  /**
   * Whether this destination still needs its id resolved by name.
   *
   * @return whether this destination still needs its id resolved by name
   */
  public boolean needsResolution() {
    return id == null;
  }

  /**
   * This destination's kind with a resolved id.
   *
   * @param resolvedId the id resolved by name
   * @return the destination with that id
   */
  public Destination withId(String resolvedId) {
    return new Destination(kind, requireText(resolvedId, "resolvedId"), null, null);
  }

  // Ids and names follow the README's input rules (no control characters, bounded length); the
  // transport percent-encodes them as one path segment, so '/' or '?' can't reach another route.
  private static String requireText(@Nullable String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be null or blank");
    }
    if (value.length() > Validation.MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          what
              + " must be at most "
              + Validation.MAX_ID_LENGTH
              + " characters, got "
              + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(what + " must not contain control characters");
      }
    }
    return value;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Destination)) {
      return false;
    }
    Destination d = (Destination) o;
    return kind == d.kind
        && Objects.equals(id, d.id)
        && Objects.equals(projectName, d.projectName)
        && Objects.equals(objectName, d.objectName);
  }

  @Override
  public int hashCode() {
    // Without Objects.hash's varargs array: the batcher looks a destination up for every event.
    int h = kind.hashCode();
    h = 31 * h + Objects.hashCode(id);
    h = 31 * h + Objects.hashCode(projectName);
    return 31 * h + Objects.hashCode(objectName);
  }

  @Override
  public String toString() {
    if (id != null) {
      return kind.pathSegment() + ":" + id;
    }
    return kind.pathSegment() + ":" + projectName + (objectName == null ? "" : "/" + objectName);
  }
}

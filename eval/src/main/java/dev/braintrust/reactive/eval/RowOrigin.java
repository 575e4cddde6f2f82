package dev.braintrust.reactive.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a case came from, written as the row's {@code origin} so the UI links the case to its
 * dataset record: {@code object_type} ({@code dataset}), {@code object_id} (the dataset id), {@code
 * id} (the record id), {@code _xact_id} (the record's version) and {@code created}.
 *
 * @param objectType the kind of object, {@code dataset}
 * @param objectId the dataset id
 * @param id the record id
 * @param xactId the record's version, or null
 * @param created the record's creation time, or null
 * @param datasetVersion the dataset version the record was read at (pinned for the whole run), or
 *     null; not part of the row's origin, but registered on the experiment
 */
public record RowOrigin(
    String objectType,
    String objectId,
    String id,
    @Nullable String xactId,
    @Nullable String created,
    @Nullable String datasetVersion) {

  /** Checks the required fields. */
  public RowOrigin {
    Objects.requireNonNull(objectType, "objectType");
    Objects.requireNonNull(objectId, "objectId");
    Objects.requireNonNull(id, "id");
  }

  /** The row's {@code origin} object. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("object_type", objectType);
    m.put("object_id", objectId);
    m.put("id", id);
    if (xactId != null) {
      m.put("_xact_id", xactId);
    }
    if (created != null) {
      m.put("created", created);
    }
    return m;
  }
}

package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** Shorthand checks of top-level body fields; {@link Fields} does the work. */
final class Bodies {
  private Bodies() {}

  /** The body, which must be a JSON object. */
  static JsonNode object(JsonNode body) {
    return Fields.of(body).node();
  }

  /** A required, non-blank string field. */
  static String required(JsonNode body, String field) {
    return Fields.of(body).required(field);
  }

  /** An optional string field; null when absent or null. */
  static @Nullable String optional(JsonNode body, String field) {
    return Fields.of(body).string(field);
  }

  /** A required object field. */
  static JsonNode requiredObject(JsonNode body, String field) {
    return Fields.of(body).requiredObject(field);
  }

  /** Fails unless the field is absent, null or an object. */
  static void optionalObject(JsonNode body, String field) {
    Fields.of(body).object(field);
  }
}

package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** Checks of create and patch bodies against the spec's required fields and field types. */
final class Bodies {
  private Bodies() {}

  /** The body, which must be a JSON object. */
  static JsonNode object(JsonNode body) {
    if (!body.isObject()) {
      throw HttpError.badRequest("request body must be a JSON object");
    }
    return body;
  }

  /** A required, non-blank string field. */
  static String required(JsonNode body, String field) {
    String value = optional(body, field);
    if (value == null || value.isBlank()) {
      throw HttpError.badRequest("'" + field + "' is required");
    }
    return value;
  }

  /** An optional string field; null when absent or null. */
  static @Nullable String optional(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw HttpError.badRequest("'" + field + "' must be a string");
    }
    return v.asText();
  }

  /** A required object field. */
  static JsonNode requiredObject(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      throw HttpError.badRequest("'" + field + "' is required");
    }
    optionalObject(body, field);
    return v;
  }

  /** Fails unless the field is absent, null or an object. */
  static void optionalObject(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v != null && !v.isNull() && !v.isObject()) {
      throw HttpError.badRequest("'" + field + "' must be an object");
    }
  }
}

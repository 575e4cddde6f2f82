package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Typed reads of a JSON object's fields against the spec's schemas: each read checks the field's
 * type and throws a 400 {@link HttpError} naming the field, prefixed with where the object sits in
 * the body (e.g. {@code add_acls[1].}). Absent and null count as missing.
 */
final class Fields {
  private final JsonNode node;
  private final String at;

  private Fields(JsonNode node, String at) {
    this.node = node;
    this.at = at;
  }

  /** The fields of a request body, which must be a JSON object. */
  static Fields of(JsonNode body) {
    if (!body.isObject()) {
      throw HttpError.badRequest("request body must be a JSON object");
    }
    return new Fields(body, "");
  }

  /** The fields of a nested object at {@code where} (e.g. {@code add_acls[0]}). */
  static Fields nested(JsonNode node, String where) {
    if (!node.isObject()) {
      throw HttpError.badRequest("'" + where + "' must be an object");
    }
    return new Fields(node, where + ".");
  }

  /** The object read. */
  JsonNode node() {
    return node;
  }

  /** The quoted name of a field for messages. */
  String name(String field) {
    return "'" + at + field + "'";
  }

  /** Whether the field is present and not null. */
  boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  private @Nullable JsonNode value(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private HttpError wrong(String field, String what) {
    return HttpError.badRequest(name(field) + " must be " + what);
  }

  /** A required, non-blank string. */
  String required(String field) {
    String v = string(field);
    if (v == null || v.isBlank()) {
      throw HttpError.badRequest(name(field) + " is required");
    }
    return v;
  }

  /** An optional string. */
  @Nullable String string(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw wrong(field, "a string");
    }
    return v.asText();
  }

  /** An optional string that, when given, is one of {@code allowed}. */
  @Nullable String oneOf(String field, Set<String> allowed) {
    String v = string(field);
    if (v != null && !allowed.contains(v)) {
      throw wrong(field, "one of " + String.join(", ", new TreeSet<>(allowed)));
    }
    return v;
  }

  /** A required string that is one of {@code allowed}. */
  String requiredOneOf(String field, Set<String> allowed) {
    required(field);
    return oneOf(field, allowed);
  }

  /** An optional boolean. */
  @Nullable Boolean bool(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      throw wrong(field, "a boolean");
    }
    return v.asBoolean();
  }

  /** An optional integer. */
  @Nullable Integer integer(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw wrong(field, "an integer");
    }
    return v.asInt();
  }

  /** An optional number. */
  @Nullable Double number(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      throw wrong(field, "a number");
    }
    return v.asDouble();
  }

  /** An optional object. */
  @Nullable JsonNode object(String field) {
    JsonNode v = value(field);
    if (v != null && !v.isObject()) {
      throw wrong(field, "an object");
    }
    return v;
  }

  /** A required object. */
  JsonNode requiredObject(String field) {
    JsonNode v = object(field);
    if (v == null) {
      throw HttpError.badRequest(name(field) + " is required");
    }
    return v;
  }

  /** An optional array of strings. */
  @Nullable List<String> strings(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    if (v.isArray()) {
      for (JsonNode x : v) {
        if (!x.isTextual()) {
          throw wrong(field, "an array of strings");
        }
        out.add(x.asText());
      }
      return out;
    }
    throw wrong(field, "an array of strings");
  }

  /** An optional array of objects. */
  @Nullable List<JsonNode> objects(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    List<JsonNode> out = new ArrayList<>();
    boolean ok = v.isArray();
    for (JsonNode x : v) {
      ok &= x.isObject();
      out.add(x);
    }
    if (!ok) {
      throw wrong(field, "an array of objects");
    }
    return out;
  }

  /** An optional array, its items unchecked. */
  @Nullable JsonNode array(String field) {
    JsonNode v = value(field);
    if (v != null && !v.isArray()) {
      throw wrong(field, "an array");
    }
    return v;
  }

  /** A new object holding those of {@code fields} that are present (nulls included). */
  ObjectNode pick(String... fields) {
    ObjectNode out = Json.object();
    for (String f : fields) {
      if (node.has(f)) {
        out.set(f, node.get(f).deepCopy());
      }
    }
    return out;
  }
}

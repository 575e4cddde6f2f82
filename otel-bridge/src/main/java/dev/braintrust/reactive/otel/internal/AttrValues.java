package dev.braintrust.reactive.otel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.internal.RawJson;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.common.ValueType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reading attribute values the way instrumentation writes them: numbers as numbers or as strings
 * (Micrometer key values are always strings), structures as JSON text, OTel {@link Value}s or
 * flattened {@code prefix.N.field} keys.
 */
final class AttrValues {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AttrValues() {}

  /** Strings that look like JSON objects or arrays are parsed; anything else is kept. */
  static Object parseIfJson(Object value) {
    if (value instanceof String) {
      String s = ((String) value).trim();
      if (bracketed(s)) {
        try {
          return MAPPER.readTree(s);
        } catch (IOException notJson) {
          return value;
        }
      }
    }
    if (value instanceof Value) {
      return toJson(value);
    }
    return value;
  }

  /**
   * A value kept as the row's input or output as it is: like {@link #parseIfJson}, but JSON text is
   * checked and copied into the row instead of becoming a tree ({@link RawJson}). Text that may
   * hold inline media still becomes a tree, for the attachment converter to find it.
   */
  static Object rowValue(Object value) {
    if (value instanceof String s && !MediaScan.marked(s)) {
      String t = s.trim();
      JsonNode raw = bracketed(t) ? RawJson.ofContainer(t) : null;
      return raw != null ? raw : value;
    }
    return parseIfJson(value);
  }

  /** Whether trimmed text looks like a JSON object or array (worth a parse or a check). */
  private static boolean bracketed(String t) {
    return (t.startsWith("{") && t.endsWith("}")) || (t.startsWith("[") && t.endsWith("]"));
  }

  /** Any attribute, event-body or JSON value as a JSON tree; text that isn't JSON stays text. */
  static JsonNode toJson(@Nullable Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof JsonNode) {
      return (JsonNode) value;
    }
    if (value instanceof String) {
      Object parsed = parseIfJson(value);
      return parsed instanceof JsonNode ? (JsonNode) parsed : NODES.textNode((String) value);
    }
    if (value instanceof Value) {
      Value<?> v = (Value<?>) value;
      // A string value may be JSON text; strings inside a structure are kept as they are.
      return v.getType() == ValueType.STRING ? toJson(v.getValue()) : fromValue(v);
    }
    if (value instanceof Map) {
      ObjectNode o = NODES.objectNode();
      ((Map<?, ?>) value).forEach((k, v) -> o.set(String.valueOf(k), toJson(v)));
      return o;
    }
    if (value instanceof List) {
      ArrayNode a = NODES.arrayNode();
      ((List<?>) value).forEach(v -> a.add(toJson(v)));
      return a;
    }
    return MAPPER.valueToTree(value);
  }

  private static JsonNode fromValue(Value<?> value) {
    switch (value.getType()) {
      case STRING:
        return NODES.textNode((String) value.getValue());
      case BOOLEAN:
        return NODES.booleanNode((Boolean) value.getValue());
      case LONG:
        return NODES.numberNode((Long) value.getValue());
      case DOUBLE:
        return NODES.numberNode((Double) value.getValue());
      case ARRAY:
        ArrayNode a = NODES.arrayNode();
        for (Object v : (List<?>) value.getValue()) {
          a.add(fromValue((Value<?>) v));
        }
        return a;
      case KEY_VALUE_LIST:
        ObjectNode o = NODES.objectNode();
        for (Object kv : (List<?>) value.getValue()) {
          o.set(((KeyValue) kv).getKey(), fromValue(((KeyValue) kv).getValue()));
        }
        return o;
      case BYTES:
        ByteBuffer b = ((ByteBuffer) value.getValue()).duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    return NODES.textNode(value.asString());
  }

  /** A number, parsed from text if need be; null if it is neither. */
  static @Nullable Number number(@Nullable Object value) {
    if (value instanceof Number) {
      return (Number) value;
    }
    if (value instanceof JsonNode && ((JsonNode) value).isNumber()) {
      return ((JsonNode) value).numberValue();
    }
    String s =
        value instanceof String
            ? ((String) value).trim()
            : value instanceof JsonNode && ((JsonNode) value).isTextual()
                ? ((JsonNode) value).asText().trim()
                : null;
    if (s == null || !looksNumeric(s)) {
      return null;
    }
    if (s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException tooLongOrSigns) {
        // Parsed as a double below.
      }
    }
    try {
      double d = Double.parseDouble(s);
      return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
    } catch (NumberFormatException notNumber) {
      return null;
    }
  }

  /**
   * Whether {@code s} can be a decimal number. Checked before parsing because most strings aren't,
   * and a failed parse throws: two exceptions, stack traces filled, for every text attribute of
   * every span was a fifth of an agent's request thread.
   */
  static boolean looksNumeric(String s) {
    int n = s.length();
    if (n == 0 || n > 64) {
      return false;
    }
    char first = s.charAt(0);
    if (!(first >= '0' && first <= '9') && first != '-' && first != '+' && first != '.') {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
        return false;
      }
    }
    return true;
  }

  static Object plain(Object value) {
    Number n = value instanceof String ? number(value) : null;
    return n != null ? n : parseIfJson(value);
  }

  /** JSON text for a value that must be a string, such as a tool call's arguments. */
  static String text(@Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "";
    }
    return node.isTextual() ? node.asText() : node.toString();
  }

  /**
   * Flattened list entries: {@code prefix0.a}, {@code prefix0.b.c}, {@code prefix1.a} become {0:
   * {a, b.c}, 1: {a}}, in index order. Keys under {@code prefix} that aren't indexed are ignored.
   */
  static Map<Integer, Map<String, Object>> indexed(Map<String, Object> attrs, String prefix) {
    Map<Integer, Map<String, Object>> parts = new TreeMap<>();
    for (Map.Entry<String, Object> e : attrs.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(prefix)) {
        continue;
      }
      int dot = indexEnd(key, prefix.length());
      if (dot < 0) {
        continue;
      }
      int i = index(key, prefix.length(), dot);
      if (i >= 0) {
        parts.computeIfAbsent(i, k -> new TreeMap<>()).put(key.substring(dot + 1), e.getValue());
      }
    }
    return parts;
  }

  /** Whether {@code key} is {@code prefix} followed by an index and a field. */
  static boolean isIndexed(String key, String prefix) {
    return key.startsWith(prefix) && indexEnd(key, prefix.length()) >= 0;
  }

  /**
   * Where the index starting at {@code from} ends: the position of the dot after one or more
   * digits, or -1 if {@code key} has none there. Read in place: every attribute of a GenAI span
   * comes through here for each list prefix a mapping looks for.
   */
  private static int indexEnd(String key, int from) {
    int i = from;
    while (i < key.length() && Character.isDigit(key.charAt(i))) {
      i++;
    }
    return i > from && i < key.length() && key.charAt(i) == '.' ? i : -1;
  }

  /** The index in {@code key[from, to)}, all digits; -1 if it does not fit an int. */
  private static int index(String key, int from, int to) {
    long n = 0;
    for (int i = from; i < to; i++) {
      n = n * 10 + Character.digit(key.charAt(i), 10);
      if (n > Integer.MAX_VALUE) {
        // Not a list entry; left for metadata.
        return -1;
      }
    }
    return (int) n;
  }
}

package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.transport.BraintrustApiException;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A 2xx JSON answer with what it answered (method, path, status), so a field of the wrong shape is
 * reported as a {@link BraintrustApiException} naming the request and showing the body, rather than
 * read as empty: {@code {"objects":"x"}} is not an empty list.
 */
public final class JsonReply {
  private final String method;
  private final String path;
  private final int status;
  private final @Nullable String contentType;
  private final JsonNode json;
  private final HttpHeaders headers;
  private final ApiErrors errors;

  JsonReply(
      String method,
      String path,
      int status,
      @Nullable String contentType,
      JsonNode json,
      HttpHeaders headers,
      ApiErrors errors) {
    this.method = method;
    this.path = path;
    this.status = status;
    this.contentType = contentType;
    this.json = json;
    this.headers = headers;
    this.errors = errors;
  }

  /** The parsed body. */
  public JsonNode json() {
    return json;
  }

  /** The response headers (for cursors sent in a header). */
  public HttpHeaders headers() {
    return headers;
  }

  /** The status, a 2xx. */
  public int status() {
    return status;
  }

  /** The array in {@code field}; a missing, null or other value is a malformed answer. */
  public JsonNode array(String field) {
    JsonNode n = json.get(field);
    if (n == null || !n.isArray()) {
      throw malformed("an object with a '" + field + "' array");
    }
    return n;
  }

  /** {@link #array}, each element a JSON object (objects, rows, events). */
  public JsonNode objects(String field) {
    JsonNode n = array(field);
    for (JsonNode e : n) {
      if (!e.isObject()) {
        throw malformed("an object with a '" + field + "' array of objects");
      }
    }
    return n;
  }

  /**
   * The text in {@code field}, or null when it is missing or null; any other value is malformed.
   */
  public @Nullable String optionalText(String field) {
    JsonNode n = json.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw malformed("'" + field + "' as a string");
    }
    return n.asText();
  }

  /** The text in {@code field}, which must be there. */
  public String text(String field) {
    String t = optionalText(field);
    if (t == null) {
      throw malformed("an object with a '" + field + "' string");
    }
    return t;
  }

  /** The whole body as a {@code type} (one of the typed records). */
  public <T> T read(Class<T> type) {
    return read(json, type);
  }

  /**
   * {@code node} (this body or a part of it) as a {@code type}; a field of the wrong type is a
   * malformed answer.
   */
  public <T> T read(JsonNode node, Class<T> type) {
    try {
      T value = Json.MAPPER.treeToValue(node, type);
      if (value != null) {
        return value;
      }
    } catch (java.io.IOException | IllegalArgumentException e) {
      // Reported below, with the body.
    }
    throw malformed("a " + type.getSimpleName());
  }

  /** The answer as a failure: it was a 2xx, but not what {@code expected} says the API returns. */
  public BraintrustApiException malformed(String expected) {
    return errors.unexpected(
        method,
        path,
        status,
        contentType,
        json.toString().getBytes(StandardCharsets.UTF_8),
        expected);
  }
}

package dev.braintrust.reactive.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One request as the test server received it: headers, decoded body, and the answer it gave. */
public final class RecordedRequest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String method;
  private final String path;
  private final String query;
  private final Map<String, String> headers;
  private final byte[] body;
  private final long wireBytes;
  private final int status;

  RecordedRequest(
      String method,
      String path,
      String query,
      Map<String, String> headers,
      byte[] body,
      long wireBytes,
      int status) {
    this.method = method;
    this.path = path;
    this.query = query;
    this.headers = Map.copyOf(headers);
    this.body = body;
    this.wireBytes = wireBytes;
    this.status = status;
  }

  /** HTTP method. */
  public String method() {
    return method;
  }

  /** Path without the query. */
  public String path() {
    return path;
  }

  /** Raw query string, empty when none. */
  public String query() {
    return query;
  }

  /** Headers by lower-case name (last value wins). */
  public Map<String, String> headers() {
    return headers;
  }

  /** A header by case-insensitive name, or null. */
  public @Nullable String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  /** The body after content decoding (gunzipped). */
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body parsed as JSON. */
  public JsonNode json() {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes on the wire, before decoding. */
  public long wireBytes() {
    return wireBytes;
  }

  /** The status the server answered with. */
  public int status() {
    return status;
  }

  @Override
  public String toString() {
    return method + " " + path + " -> " + status;
  }
}

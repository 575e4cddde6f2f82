package dev.braintrust.reactive.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One request as the test server received it: headers, decoded body, and the answer it gave.
 *
 * @param method HTTP method
 * @param path path without the query
 * @param query raw query string, empty when none
 * @param headers headers by lower-case name (last value wins)
 * @param body the body after content decoding (gunzipped); empty when the server keeps no rows
 * @param wireBytes bytes on the wire, before decoding
 * @param status the status the server answered with, -1 when it dropped the connection
 */
public record RecordedRequest(
    String method,
    String path,
    String query,
    Map<String, String> headers,
    byte[] body,
    long wireBytes,
    int status) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Copies headers and body, so a record can't be changed from outside.
   *
   * @param body the body after content decoding (gunzipped); empty when the server keeps no rows
   * @param headers headers by lower-case name (last value wins)
   * @param method HTTP method
   * @param path path without the query
   * @param query raw query string, empty when none
   * @param status the status the server answered with, -1 when it dropped the connection
   * @param wireBytes bytes on the wire, before decoding
   */
  public RecordedRequest {
    headers = Map.copyOf(headers);
    body = body.clone();
  }

  /**
   * A header by case-insensitive name, or null.
   *
   * @param name the header name
   * @return the header value, or null
   */
  public @Nullable String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The body after content decoding (gunzipped); a copy.
   *
   * @return the body after content decoding (gunzipped); a copy
   */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /**
   * The body as UTF-8 text.
   *
   * @return the body as UTF-8 text
   */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * The body parsed as JSON.
   *
   * @return the body parsed as JSON
   */
  public JsonNode json() {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // A record compares arrays by reference; two recordings of equal bytes should be equal.
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof RecordedRequest r
        && method.equals(r.method)
        && path.equals(r.path)
        && query.equals(r.query)
        && headers.equals(r.headers)
        && Arrays.equals(body, r.body)
        && wireBytes == r.wireBytes
        && status == r.status;
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Objects.hash(method, path, query, headers, wireBytes, status)
        + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return method + " " + path + " -> " + status;
  }
}

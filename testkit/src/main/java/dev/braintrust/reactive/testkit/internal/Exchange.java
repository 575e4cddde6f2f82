package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One authenticated, decoded request as the handlers see it.
 *
 * @param method HTTP method, upper case
 * @param path path without the query
 * @param query raw query string, empty when none
 * @param body the parsed JSON body, an empty object when there was none
 */
public record Exchange(String method, String path, String query, JsonNode body) {
  /** The first value of a query parameter, or null. */
  public @Nullable String param(String name) {
    List<String> all = params(name);
    return all.isEmpty() ? null : all.get(0);
  }

  /** The distinct names of the query parameters, in order of first appearance. */
  public List<String> paramNames() {
    List<String> out = new ArrayList<>();
    if (query.isEmpty()) {
      return out;
    }
    for (String kv : query.split("&")) {
      int eq = kv.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      if (!key.isEmpty() && !out.contains(key)) {
        out.add(key);
      }
    }
    return out;
  }

  /** Every value of a query parameter, in order; the API repeats a parameter to pass a list. */
  public List<String> params(String name) {
    List<String> out = new ArrayList<>();
    if (query.isEmpty()) {
      return out;
    }
    for (String kv : query.split("&")) {
      int eq = kv.indexOf('=');
      String key = eq < 0 ? kv : kv.substring(0, eq);
      if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
        out.add(eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}

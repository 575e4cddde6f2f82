package dev.braintrust.reactive.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The JDK's HTTP client against a started test server, authenticated with its key. */
final class JdkHttp {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * An answer: {@code json} is the parsed body when it is JSON, else a null node.
   *
   * @param status the HTTP status
   * @param json the body as JSON
   * @param text the raw body
   * @param response the JDK response, for headers
   */
  record Res(int status, JsonNode json, String text, HttpResponse<String> response) {
    /** The {@code error} message of an error answer with this status. */
    String error(int expectedStatus) {
      if (status != expectedStatus) {
        throw new AssertionError("expected " + expectedStatus + " but got " + status + ": " + text);
      }
      return json.path("error").asText();
    }

    /** A header's value, or null. */
    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    /** The values of {@code field} of each object of a list answer. */
    List<String> each(String field) {
      if (status != 200) {
        throw new AssertionError("expected 200 but got " + status + ": " + text);
      }
      List<String> out = new ArrayList<>();
      json.get("objects").forEach(o -> out.add(o.path(field).asText()));
      return out;
    }

    /** The field of a 200 answer as text. */
    String get(String field) {
      if (status != 200) {
        throw new AssertionError("expected 200 but got " + status + ": " + text);
      }
      return json.path(field).asText();
    }
  }

  private final BraintrustTestServer server;
  private final String key;

  JdkHttp(BraintrustTestServer server) {
    this(server, server.apiKey());
  }

  private JdkHttp(BraintrustTestServer server, String key) {
    this.server = server;
    this.key = key;
  }

  /** A client sending {@code key} as its Bearer token instead of the server's key. */
  JdkHttp withKey(String key) {
    return new JdkHttp(server, key);
  }

  Res get(String path) {
    return send("GET", path, null);
  }

  Res post(String path, String body) {
    return send("POST", path, body);
  }

  Res put(String path, String body) {
    return send("PUT", path, body);
  }

  Res patch(String path, String body) {
    return send("PATCH", path, body);
  }

  Res delete(String path) {
    return send("DELETE", path, null);
  }

  Res delete(String path, String body) {
    return send("DELETE", path, body);
  }

  Res send(String method, String path, String body) {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .header("authorization", "Bearer " + key)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      req.header("content-type", "application/json");
    }
    try {
      HttpResponse<String> res = CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofString());
      boolean isJson =
          res.headers().firstValue("content-type").orElse("").startsWith("application/json");
      JsonNode json =
          isJson && !res.body().isEmpty() ? MAPPER.readTree(res.body()) : MAPPER.nullNode();
      return new Res(res.statusCode(), json, res.body(), res);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

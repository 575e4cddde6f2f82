package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.transport.BraintrustApiException;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Function invocation ({@code POST /v1/function/{id}/invoke}, plain or streamed), by id or by
 * project name and slug, and the reading of streamed events the AI proxy shares.
 */
public final class Invocations {
  private final HttpCore http;
  private final FunctionIds functions;

  /** Invokes through {@code http}, looking slugs up through {@code functions}. */
  public Invocations(HttpCore http, FunctionIds functions) {
    this.http = http;
    this.functions = functions;
  }

  /** Invokes the function with this id; {@code body} is an InvokeFunctionRequest. */
  public Mono<JsonNode> invoke(String functionId, JsonNode body) {
    return http.jsonValue(HttpMethod.POST, invokePath(functionId), body);
  }

  /** Invokes the function with this slug in the named project, with {@code input}. */
  public Mono<JsonNode> invoke(String projectName, String slug, @Nullable Object input) {
    return functions
        .id(projectName, slug)
        .flatMap(id -> http.jsonValue(HttpMethod.POST, invokePath(id), inputBody(input)));
  }

  /** Streams the events of the function with this slug in the named project. */
  public Flux<JsonNode> invokeStream(String projectName, String slug, @Nullable Object input) {
    return functions
        .id(projectName, slug)
        .flatMapMany(id -> streamInvoke(invokePath(id), inputBody(input)));
  }

  /** Streams the events of the function with this id; {@code body} is an InvokeFunctionRequest. */
  public Flux<JsonNode> invokeStream(String functionId, JsonNode body) {
    if (!(body instanceof ObjectNode o)) {
      throw new IllegalArgumentException("body must be a JSON object, got " + body.getNodeType());
    }
    return streamInvoke(invokePath(functionId), o);
  }

  /** One streamed event as JSON; anything else is the API failure it is. */
  public JsonNode parseEvent(String path, String data) {
    try {
      JsonNode n = Json.MAPPER.readTree(data);
      if (n != null && !n.isMissingNode()) {
        return n;
      }
    } catch (IOException notJson) {
      // Reported below.
    }
    throw malformedEvent(path, data, "JSON events");
  }

  /** A streamed event that is JSON but not of the shape expected, as the API failure it is. */
  public BraintrustApiException malformedEvent(String path, String data, String expected) {
    return http.errors()
        .unexpected(
            "POST",
            path,
            200,
            "text/event-stream",
            data.getBytes(StandardCharsets.UTF_8),
            expected);
  }

  private static String invokePath(String functionId) {
    return "/v1/function/"
        + UriParts.segment(Objects.requireNonNull(functionId, "functionId"))
        + "/invoke";
  }

  private static ObjectNode inputBody(@Nullable Object input) {
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.set("input", Json.MAPPER.valueToTree(input));
    return b;
  }

  private Flux<JsonNode> streamInvoke(String path, ObjectNode body) {
    body.put("stream", true);
    return http.sse(path, body).map(d -> parseEvent(path, d));
  }
}

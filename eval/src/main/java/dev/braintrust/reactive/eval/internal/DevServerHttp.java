package dev.braintrust.reactive.eval.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The dev server's HTTP plumbing: the caller's key, CORS for the Braintrust app's pages (the
 * official SDKs' header lists, and Chrome's private-network preflight), and JSON, text and
 * server-sent-event answers.
 */
public final class DevServerHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PREVIEW =
      Pattern.compile("^https://[^/]+\\.preview\\.braintrust\\.dev$");
  private static final String ALLOWED_HEADERS =
      "Content-Type, X-Amz-Date, Authorization, X-Api-Key, X-Amz-Security-Token, X-Bt-Auth-Token,"
          + " X-Bt-Parent, X-Bt-Org-Name, X-Bt-Project-Id, X-Bt-Stream-Fmt, X-Bt-Use-Cache,"
          + " X-Bt-Use-Gateway, X-Stainless-Os, X-Stainless-Lang, X-Stainless-Package-Version,"
          + " X-Stainless-Runtime, X-Stainless-Runtime-Version, X-Stainless-Arch";
  private static final String EXPOSED_HEADERS =
      "x-bt-cursor, x-bt-found-existing-experiment, x-bt-span-id, x-bt-span-export";

  private final List<String> origins;

  /** Allows {@code appUrl}, {@code extra} and Braintrust preview deployments. */
  public DevServerHttp(String appUrl, List<String> extra) {
    List<String> o = new ArrayList<>(extra);
    o.add(trimSlash(appUrl));
    this.origins = List.copyOf(o);
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** The caller's Braintrust API key, or null. */
  public static @Nullable String apiKey(HttpServerRequest req) {
    String token = req.requestHeaders().get("x-bt-auth-token");
    if (token != null && !token.isBlank()) {
      return token.trim();
    }
    String auth = req.requestHeaders().get("authorization");
    if (auth == null || auth.isBlank()) {
      return null;
    }
    return auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : auth.trim();
  }

  private boolean allowed(@Nullable String origin) {
    return origin == null || origins.contains(origin) || PREVIEW.matcher(origin).matches();
  }

  private void cors(HttpServerRequest req, HttpServerResponse res) {
    String origin = req.requestHeaders().get("origin");
    if (origin != null && allowed(origin)) {
      res.header("Access-Control-Allow-Origin", origin)
          .header("Access-Control-Allow-Credentials", "true")
          .header("Access-Control-Expose-Headers", EXPOSED_HEADERS)
          .header("Vary", "Origin");
    }
  }

  /** Answers a CORS preflight: 204 for allowed origins, 403 for others. */
  public Publisher<Void> preflight(HttpServerRequest req, HttpServerResponse res) {
    String origin = req.requestHeaders().get("origin");
    if (!allowed(origin)) {
      return res.status(HttpResponseStatus.FORBIDDEN).send();
    }
    cors(req, res);
    res.header("Access-Control-Allow-Methods", "GET, PATCH, POST, PUT, DELETE, OPTIONS")
        .header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
        .header("Access-Control-Max-Age", "86400");
    if ("true".equals(req.requestHeaders().get("access-control-request-private-network"))) {
      res.header("Access-Control-Allow-Private-Network", "true");
    }
    return res.status(HttpResponseStatus.NO_CONTENT).send();
  }

  /** A plain-text answer. */
  public Publisher<Void> text(
      HttpServerRequest req, HttpServerResponse res, int status, String body) {
    cors(req, res);
    return res.status(status)
        .header("Content-Type", "text/plain; charset=utf-8")
        .sendString(Mono.just(body));
  }

  /** A JSON answer. */
  public Publisher<Void> json(
      HttpServerRequest req, HttpServerResponse res, int status, JsonNode body) {
    return rawJson(req, res, status, body.toString());
  }

  /** A JSON answer already written. */
  public Publisher<Void> rawJson(
      HttpServerRequest req, HttpServerResponse res, int status, String body) {
    cors(req, res);
    return res.status(status)
        .header("Content-Type", "application/json")
        .sendString(Mono.just(body));
  }

  /** {@code failure} as its status ({@link RequestRefused}) or 500, with {@code {"error"}}. */
  public Publisher<Void> failure(HttpServerRequest req, HttpServerResponse res, Throwable failure) {
    int status = failure instanceof RequestRefused ? ((RequestRefused) failure).status() : 500;
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    return json(req, res, status, JSON.createObjectNode().put("error", message));
  }

  /** Streams {@code events} (each already an SSE frame) as {@code text/event-stream}. */
  public Publisher<Void> sse(HttpServerRequest req, HttpServerResponse res, Flux<String> events) {
    cors(req, res);
    return res.status(200)
        .header("Content-Type", "text/event-stream")
        .header("Cache-Control", "no-cache")
        // Each event its own flush: the Playground shows a case as soon as it is done.
        .send(events.map(e -> ByteBufUtil.writeUtf8(res.alloc(), e)), b -> true)
        .then();
  }

  /** One SSE frame: {@code event: <name>} and its data (one {@code data:} line per line). */
  public static String event(String name, String data) {
    StringBuilder b = new StringBuilder("event: ").append(name).append('\n');
    for (String line : data.split("\n", -1)) {
      b.append("data: ").append(line).append('\n');
    }
    return b.append('\n').toString();
  }
}

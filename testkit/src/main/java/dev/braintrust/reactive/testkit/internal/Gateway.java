package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.testkit.RecordedRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The front door every request passes: faults, then the Bearer key, content decoding, the body size
 * limit and JSON parsing, then the router; every answer is recorded. Holds no mutable state of its
 * own, so any event loop may run it.
 */
public final class Gateway {
  /**
   * How strict the door is.
   *
   * @param apiKey the only accepted Bearer key
   * @param acceptGzip whether gzip bodies are decoded (else 415)
   * @param maxBodyBytes largest decoded body before 413
   * @param recordBodies whether recorded requests keep their bodies
   */
  public record Settings(
      String apiKey, boolean acceptGzip, long maxBodyBytes, boolean recordBodies) {}

  private final Settings settings;
  private final Router router;
  private final FaultHandler faults;
  private final RequestLog log;
  private final EventStreams streams;
  private final Predicate<String> temporaryKeys;

  /**
   * A gateway in front of {@code router}; AI proxy requests may also authenticate with a key that
   * {@code temporaryKeys} accepts (minted by {@code POST /v1/proxy/credentials}).
   */
  public Gateway(
      Settings settings,
      Router router,
      FaultHandler faults,
      RequestLog log,
      EventStreams streams,
      Predicate<String> temporaryKeys) {
    this.settings = settings;
    this.router = router;
    this.faults = faults;
    this.log = log;
    this.streams = streams;
    this.temporaryKeys = temporaryKeys;
  }

  /** The Reactor Netty handler. */
  public Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
    String uri = req.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? "" : uri.substring(q + 1);
    Map<String, String> headers = new LinkedHashMap<>();
    req.requestHeaders()
        .forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    String method = req.method().name();
    Router.RawHandler raw = router.raw(path);
    Mono<RawBody> received =
        raw != null && !raw.needsBytes(method)
            ? RawBody.digest(req.receive().asByteBuffer())
            : req.receive()
                .aggregate()
                .asByteArray()
                .defaultIfEmpty(new byte[0])
                .map(RawBody::whole);
    return received.flatMap(
        in -> {
          byte[] wire = in.bytesOrEmpty();
          FaultHandler.Plan fault = faults.next(path);
          return FaultHandler.delay(fault)
              .then(
                  Mono.defer(
                      () -> {
                        if (fault != null && fault.disconnect()) {
                          log.add(
                              new RecordedRequest(
                                  method, path, query, headers, wire, in.size(), -1));
                          return res.withConnection(c -> c.channel().close()).then();
                        }
                        Reply reply = FaultHandler.reply(fault);
                        byte[] body = wire;
                        if (reply == null && raw != null) {
                          reply = raw.handle(method, path, query, headers, in);
                        }
                        if (reply == null) {
                          reply = authenticate(path, headers);
                        }
                        if (reply == null) {
                          Decoded decoded = decode(headers, wire);
                          body = decoded.body();
                          reply =
                              decoded.failure() != null
                                  ? decoded.failure()
                                  : parseAndRoute(method, path, query, body);
                        }
                        log.add(
                            new RecordedRequest(
                                method,
                                path,
                                query,
                                headers,
                                settings.recordBodies() && raw == null ? body : new byte[0],
                                in.size(),
                                reply.status()));
                        return send(res, reply);
                      }));
        });
  }

  private @Nullable Reply authenticate(String path, Map<String, String> headers) {
    String auth = headers.get("authorization");
    String apiKey = headers.get("x-api-key");
    // The AI proxy also takes the key as x-api-key, as Anthropic's Python, TypeScript and 2.x Java
    // clients send it (3.x Java sends a Bearer token).
    // A temporary credential works for the proxy's model calls, but can't mint more.
    boolean proxy = path.startsWith("/v1/proxy/") && !path.equals("/v1/proxy/credentials");
    String googKey = headers.get("x-goog-api-key");
    // The Gemini API's model routes take the key as x-goog-api-key, as Google's clients send it.
    if (googKey != null && GeminiHandler.isGeminiPath(path)) {
      return googKey.equals(settings.apiKey())
          ? null
          : GeminiHandler.error(401, "API key not valid");
    }
    if (auth == null && apiKey != null && path.startsWith("/v1/proxy/")) {
      return apiKey.equals(settings.apiKey()) || (proxy && temporaryKeys.test(apiKey))
          ? null
          : Reply.error(401, "invalid API key");
    }
    // Bedrock clients sign with SigV4; any credentials are fine here (the signature is not
    // checked), as long as the request is signed the way the AWS SDK signs it.
    if (path.startsWith("/model/") && auth != null && auth.startsWith("AWS4-HMAC-SHA256 ")) {
      return auth.contains("Credential=") && auth.contains("Signature=")
          ? null
          : Reply.error(403, "malformed AWS4-HMAC-SHA256 Authorization header");
    }
    if (auth == null) {
      return Reply.error(401, "missing Authorization header; expected 'Bearer <API key>'");
    }
    if (auth.equals("Bearer " + settings.apiKey())
        || (proxy && auth.startsWith("Bearer ") && temporaryKeys.test(auth.substring(7)))) {
      return null;
    }
    return Reply.error(401, "invalid API key");
  }

  /** A body after content decoding, or the answer refusing it (then the body is the wire's). */
  private record Decoded(byte[] body, @Nullable Reply failure) {}

  private Decoded decode(Map<String, String> headers, byte[] wire) {
    byte[] body = wire;
    String encoding = headers.get("content-encoding");
    if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
      if (!encoding.equalsIgnoreCase("gzip") || !settings.acceptGzip()) {
        return new Decoded(
            wire, Reply.error(415, "unsupported Content-Encoding '" + encoding + "'"));
      }
      try {
        body = gunzip(wire);
      } catch (IOException e) {
        return new Decoded(
            wire, Reply.error(400, "request body is not valid gzip: " + e.getMessage()));
      }
    }
    if (body.length > settings.maxBodyBytes()) {
      return new Decoded(
          body,
          Reply.error(
              413,
              "request body of "
                  + body.length
                  + " bytes exceeds the limit of "
                  + settings.maxBodyBytes()
                  + " bytes"));
    }
    return new Decoded(body, null);
  }

  private Reply parseAndRoute(String method, String path, String query, byte[] body) {
    JsonNode json;
    try {
      json = body.length == 0 ? null : Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      return Reply.error(400, "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return Reply.error(400, "unreadable body: " + e.getMessage());
    }
    return router.route(new Exchange(method, path, query, json == null ? Json.object() : json));
  }

  private Mono<Void> send(HttpServerResponse res, Reply reply) {
    res.status(HttpResponseStatus.valueOf(reply.status()));
    reply.headers().forEach(res::header);
    if (reply.events() != null) {
      return streams.send(res, reply.events());
    }
    if (reply.frames() != null) {
      return streams.sendFrames(res, reply.frames());
    }
    if (reply.headers().keySet().stream().noneMatch(k -> k.equalsIgnoreCase("content-type"))) {
      res.header("content-type", "application/json");
    }
    return res.sendByteArray(Mono.just(reply.body())).then();
  }

  private static byte[] gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }
}

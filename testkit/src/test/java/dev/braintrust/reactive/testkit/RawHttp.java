package dev.braintrust.reactive.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** A bare HTTP client for exercising the server independently of the library's client. */
final class RawHttp {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * An answer; {@code json} is a null node unless the body is JSON, {@code text} is the raw body.
   */
  record Response(int status, JsonNode json, Map<String, String> headers, String text) {}

  private final BraintrustTestServer server;

  RawHttp(BraintrustTestServer server) {
    this.server = server;
  }

  Response post(String path, String body) {
    return send(HttpMethod.POST, path, body.getBytes(StandardCharsets.UTF_8), Map.of(), true);
  }

  Response get(String path) {
    return send(HttpMethod.GET, path, null, Map.of(), true);
  }

  Response put(String path, String body) {
    return send(HttpMethod.PUT, path, body.getBytes(StandardCharsets.UTF_8), Map.of(), true);
  }

  Response patch(String path, String body) {
    return send(HttpMethod.PATCH, path, body.getBytes(StandardCharsets.UTF_8), Map.of(), true);
  }

  Response delete(String path) {
    return send(HttpMethod.DELETE, path, null, Map.of(), true);
  }

  Response send(
      HttpMethod method, String path, byte[] body, Map<String, String> headers, boolean auth) {
    HttpClient client =
        HttpClient.create()
            .baseUrl(server.baseUrl())
            .headers(
                h -> {
                  if (auth) {
                    h.set("authorization", "Bearer " + server.apiKey());
                  }
                  headers.forEach(h::set);
                });
    HttpClient.ResponseReceiver<?> rr =
        body == null
            ? client.request(method).uri(path)
            : client.request(method).uri(path).send(Mono.just(Unpooled.wrappedBuffer(body)));
    return rr.responseSingle(
            (res, content) ->
                content
                    .asByteArray()
                    .defaultIfEmpty(new byte[0])
                    .map(
                        bytes -> {
                          try {
                            java.util.Map<String, String> h = new java.util.HashMap<>();
                            res.responseHeaders()
                                .forEach(e -> h.put(e.getKey().toLowerCase(), e.getValue()));
                            boolean isJson =
                                h.getOrDefault("content-type", "").startsWith("application/json");
                            JsonNode json =
                                bytes.length == 0 || !isJson
                                    ? MAPPER.nullNode()
                                    : MAPPER.readTree(bytes);
                            return new Response(
                                res.status().code(),
                                json,
                                h,
                                new String(bytes, StandardCharsets.UTF_8));
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                        }))
        .block(Duration.ofSeconds(10));
  }

  static byte[] gzip(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}

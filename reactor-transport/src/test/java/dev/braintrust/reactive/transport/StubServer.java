package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * A plain JDK HTTP server on 127.0.0.1 for server behaviour the testkit doesn't produce (wrong
 * bodies, odd cursors, raw request URIs). It runs on its own threads, not on Reactor Netty's.
 */
final class StubServer implements AutoCloseable {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** One request as it arrived: the raw request-target keeps its percent-encoding. */
  record Request(String method, String rawUri, Map<String, List<String>> headers, byte[] body) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
      }
    }

    String header(String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    @Override
    public String toString() {
      return method + " " + rawUri;
    }
  }

  /** What to answer. */
  record Reply(int status, String contentType, String body, Map<String, String> headers) {
    static Reply of(int status, String contentType, String body) {
      return new Reply(status, contentType, body, Map.of());
    }

    static Reply json(int status, String body) {
      return of(status, "application/json", body);
    }

    static Reply json(Object body) {
      try {
        return json(200, MAPPER.writeValueAsString(body));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    Reply header(String name, String value) {
      Map<String, String> h = new java.util.LinkedHashMap<>(headers);
      h.put(name, value);
      return new Reply(status, contentType, body, h);
    }
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "stub-server");
            t.setDaemon(true);
            return t;
          });

  StubServer(Function<Request, Reply> handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/", ex -> serve(ex, handler));
    server.start();
  }

  /** Answers every insert with the row ids a real server would send. */
  static StubServer insertSink() throws IOException {
    return new StubServer(
        r -> {
          JsonNode events = r.json().path("events");
          var ids = MAPPER.createObjectNode().putArray("row_ids");
          events.forEach(e -> ids.add(e.path("id").asText()));
          return Reply.json(200, "{\"row_ids\":" + ids + "}");
        });
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void serve(HttpExchange ex, Function<Request, Reply> handler) throws IOException {
    try (ex) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
          body = in.readAllBytes();
        }
      }
      Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.putAll(ex.getRequestHeaders());
      Request req =
          new Request(ex.getRequestMethod(), ex.getRequestURI().toString(), headers, body);
      requests.add(req);
      Reply reply = handler.apply(req);
      byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
      reply.headers().forEach(ex.getResponseHeaders()::set);
      ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}

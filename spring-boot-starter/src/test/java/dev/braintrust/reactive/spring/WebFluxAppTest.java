package dev.braintrust.reactive.spring;

import static dev.braintrust.reactive.spring.Rows.child;
import static dev.braintrust.reactive.spring.Rows.meta;
import static dev.braintrust.reactive.spring.Rows.name;
import static dev.braintrust.reactive.spring.Rows.parents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter in a running WebFlux application: real HTTP requests on a random port, spans
 * delivered to the testkit, trees asserted from the rows that arrived.
 */
class WebFluxAppTest {
  static final String PROJECT = "orders-app";
  static final ObjectMapper JSON = new ObjectMapper();
  static BraintrustTestServer server;
  static ConfigurableApplicationContext app;
  static HttpClient http;
  static BraintrustExporter exporter;

  @BeforeAll
  static void start() {
    server = BraintrustTestServer.builder().build().start();
    app =
        TestApp.run(
            server.baseUrl(),
            PROJECT,
            "--spring.reactor.context-propagation=auto",
            "--management.endpoint.health.show-details=always",
            "--braintrust.exporter.shutdown-timeout=3s",
            "--spring.reactor.netty.shutdown-quiet-period=0s");
    exporter = app.getBean(BraintrustExporter.class);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    return http.send(request(path, headers), HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest request(String path, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://localhost:" + TestApp.port(app) + path))
            .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  /** Flushes until the rows satisfy {@code done}. */
  static List<ObjectNode> rowsWhen(String what, Predicate<List<ObjectNode>> done) {
    return Rows.await(
        what,
        () -> Rows.of(server, PROJECT),
        done,
        () -> exporter.flush().block(Duration.ofSeconds(10)));
  }

  /** The request span of the one request made to {@code path} (only server spans have url.path). */
  static ObjectNode rootFor(List<ObjectNode> rows, String path) {
    List<ObjectNode> found =
        rows.stream()
            .filter(r -> path.equals(meta(r, "url.path").asText()))
            .collect(Collectors.toList());
    assertThat(found).as("request spans for " + path).hasSize(1);
    return found.get(0);
  }

  static boolean hasRequest(List<ObjectNode> rows, String path) {
    return rows.stream().anyMatch(r -> path.equals(meta(r, "url.path").asText()));
  }

  static Map<String, ObjectNode> traceOf(List<ObjectNode> rows, ObjectNode root) {
    return Rows.trace(rows, root.path("root_span_id").asText());
  }

  @Test
  void aRequestIsOneTreeFromTheRouteSpanThroughTheServiceToTheLlmAndTheOutgoingCall()
      throws Exception {
    HttpResponse<String> res = get("/orders/42");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(res.body()).path("description").asText())
        .isEqualTo("echo: describe order 42");

    List<ObjectNode> rows =
        rowsWhen(
            "the /orders/42 tree",
            r -> hasRequest(r, "/orders/42") && hasRequest(r, "/inventory/42") && r.size() >= 5);
    ObjectNode root = rootFor(rows, "/orders/42");
    Map<String, ObjectNode> trace = traceOf(rows, root);

    assertThat(name(root)).isEqualTo("GET /orders/{id}");
    assertThat(root.path("span_attributes").path("type").asText()).isEqualTo("task");
    assertThat(root.has("span_parents")).isFalse();
    assertThat(meta(root, "http.request.method").asText()).isEqualTo("GET");
    assertThat(meta(root, "http.route").asText()).isEqualTo("/orders/{id}");
    assertThat(meta(root, "http.response.status_code").asInt()).isEqualTo(200);
    assertThat(root.path("metrics").path("end").asDouble())
        .isGreaterThanOrEqualTo(root.path("metrics").path("start").asDouble());
    assertThat(root.has("error")).isFalse();

    ObjectNode service = child(trace, root, "OrderService.describe");
    assertThat(service.path("input").path("id").asText()).isEqualTo("42");
    assertThat(service.path("output").path("stock").asText()).isEqualTo("7");

    ObjectNode llm = child(trace, service, "Chat Completion");
    assertThat(llm.path("span_attributes").path("type").asText()).isEqualTo("llm");
    assertThat(llm.path("metrics").path("tokens").asInt()).isPositive();

    ObjectNode call = child(trace, service, "GET /inventory/{sku}");
    assertThat(meta(call, "url.full").asText())
        .isEqualTo("http://localhost:" + TestApp.port(app) + "/inventory/42?token=REDACTED");
    assertThat(meta(call, "http.response.status_code").asInt()).isEqualTo(200);

    // The outgoing call carried traceparent, so the server span it reached joined the same tree.
    ObjectNode downstream = child(trace, call, "GET /inventory/{sku}");
    assertThat(meta(downstream, "url.path").asText()).isEqualTo("/inventory/42");
    assertThat(trace).hasSize(5);
  }

  @Test
  void anUnhandledErrorIsA500WithTheErrorOnTheRequestAndServiceSpans() throws Exception {
    assertThat(get("/orders/9/fail").statusCode()).isEqualTo(500);

    List<ObjectNode> rows = rowsWhen("the failing request", r -> hasRequest(r, "/orders/9/fail"));
    ObjectNode root = rootFor(rows, "/orders/9/fail");
    assertThat(name(root)).isEqualTo("GET /orders/{id}/fail");
    assertThat(meta(root, "http.response.status_code").asInt()).isEqualTo(500);
    assertThat(meta(root, "error.type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(root.path("error").asText()).startsWith("java.lang.IllegalStateException: boom 9");
    ObjectNode service = child(traceOf(rows, root), root, "explode");
    assertThat(service.path("error").asText())
        .startsWith("java.lang.IllegalStateException: boom 9");
  }

  @Test
  void aClientErrorKeepsItsStatusAndIsNotRecordedAsAnError() throws Exception {
    assertThat(get("/missing/3").statusCode()).isEqualTo(404);
    assertThat(get("/nowhere").statusCode()).isEqualTo(404);

    List<ObjectNode> rows =
        rowsWhen("the 404s", r -> hasRequest(r, "/missing/3") && hasRequest(r, "/nowhere"));
    ObjectNode missing = rootFor(rows, "/missing/3");
    assertThat(name(missing)).isEqualTo("GET /missing/{id}");
    assertThat(meta(missing, "http.response.status_code").asInt()).isEqualTo(404);
    assertThat(meta(missing, "error.type").asText()).endsWith("ResponseStatusException");
    assertThat(missing.has("error")).isFalse();
    // No route matched: named by the method alone, never by the raw path.
    ObjectNode nowhere = rootFor(rows, "/nowhere");
    assertThat(name(nowhere)).isEqualTo("GET");
    assertThat(meta(nowhere, "http.response.status_code").asInt()).isEqualTo(404);
  }

  @Test
  void anInboundTraceparentMakesTheRequestSpanAChildOfTheCallersSpan() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String callerSpan = "00f067aa0ba902b7";
    get("/missing/tp", "traceparent", "00-" + traceId + "-" + callerSpan + "-01");
    get("/missing/bad-tp", "traceparent", "00-zz-not-valid");

    List<ObjectNode> rows =
        rowsWhen(
            "the traceparent requests",
            r -> hasRequest(r, "/missing/tp") && hasRequest(r, "/missing/bad-tp"));
    ObjectNode root = rootFor(rows, "/missing/tp");
    assertThat(root.path("root_span_id").asText()).isEqualTo(traceId);
    assertThat(parents(root)).containsExactly(callerSpan);
    ObjectNode bad = rootFor(rows, "/missing/bad-tp");
    assertThat(bad.has("span_parents")).isFalse();
    assertThat(bad.path("root_span_id").asText()).isNotEqualTo(traceId).hasSize(32);
  }

  @Test
  void concurrentRequestsKeepTheirTreesApart() throws Exception {
    int n = 16;
    List<CompletableFuture<HttpResponse<String>>> sent =
        IntStream.range(0, n)
            .mapToObj(
                i -> http.sendAsync(request("/orders/c" + i), HttpResponse.BodyHandlers.ofString()))
            .collect(Collectors.toList());
    for (CompletableFuture<HttpResponse<String>> f : sent) {
      assertThat(f.get().statusCode()).isEqualTo(200);
    }

    List<ObjectNode> rows =
        rowsWhen(
            "all concurrent trees",
            r ->
                IntStream.range(0, n)
                    .allMatch(
                        i -> hasRequest(r, "/orders/c" + i) && hasRequest(r, "/inventory/c" + i)));
    List<String> traces = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ObjectNode root = rootFor(rows, "/orders/c" + i);
      Map<String, ObjectNode> trace = traceOf(rows, root);
      assertThat(trace).hasSize(5);
      ObjectNode service = child(trace, root, "OrderService.describe");
      assertThat(service.path("input").path("id").asText()).isEqualTo("c" + i);
      assertThat(child(trace, service, "Chat Completion").path("input").toString())
          .contains("describe order c" + i + "\"");
      ObjectNode call = child(trace, service, "GET /inventory/{sku}");
      assertThat(meta(child(trace, call, "GET /inventory/{sku}"), "url.path").asText())
          .isEqualTo("/inventory/c" + i);
      traces.add(root.path("root_span_id").asText());
    }
    assertThat(traces).doesNotHaveDuplicates();
  }

  @Test
  void blockingCodeOnAnotherThreadSeesTheRequestSpanThroughAutomaticContextPropagation()
      throws Exception {
    assertThat(get("/blocking/5").body()).isEqualTo("item-5");

    List<ObjectNode> rows = rowsWhen("the blocking request", r -> hasRequest(r, "/blocking/5"));
    ObjectNode root = rootFor(rows, "/blocking/5");
    ObjectNode lookup = child(traceOf(rows, root), root, "OrderService.lookup");
    assertThat(lookup.path("output").asText()).isEqualTo("item-5");
  }

  @Test
  void actuatorPathsAreNotTracedAndHealthAndMetersReportTheExporter() throws Exception {
    HttpResponse<String> health = get("/actuator/health/braintrust");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(health.body());
    assertThat(body.path("status").asText()).isEqualTo("UP");
    assertThat(body.path("details").path("capacity").asInt()).isEqualTo(10_000);
    assertThat(body.path("details").has("queueFill")).isTrue();

    get("/missing/after-health");
    List<ObjectNode> rows =
        rowsWhen("a later request", r -> hasRequest(r, "/missing/after-health"));
    assertThat(rows).noneMatch(r -> meta(r, "url.path").asText().startsWith("/actuator"));

    MeterRegistry registry = app.getBean(MeterRegistry.class);
    assertThat(registry.get("braintrust.events.delivered").functionCounter().count()).isPositive();
    assertThat(registry.get("braintrust.http.requests").timers()).isNotEmpty();
  }
}

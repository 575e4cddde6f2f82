package dev.braintrust.reactive.examples.spring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs {@link SpringWebFluxExample} once: starts it, asks one question over HTTP, and closes it,
 * which delivers the spans. Without {@code BRAINTRUST_API_KEY} it points the app at the embedded
 * testkit server and prints the span tree the server stored.
 */
public final class SpringExampleDemo {
  private SpringExampleDemo() {}

  /** Runs the demo. */
  public static void main(String[] args) throws Exception {
    String key = System.getenv("BRAINTRUST_API_KEY");
    BraintrustTestServer embedded = null;
    List<String> appArgs =
        new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off"));
    if (key == null || key.isBlank()) {
      embedded = BraintrustTestServer.builder().build().start();
      System.out.println(
          "No BRAINTRUST_API_KEY set: using the embedded testkit server at " + embedded.baseUrl());
      appArgs.add("--braintrust.api-key=" + embedded.apiKey());
      appArgs.add("--braintrust.api-url=" + embedded.baseUrl());
    }
    try {
      List<ObjectNode> rows = run(appArgs.toArray(String[]::new), embedded);
      if (embedded != null) {
        System.out.println("Span tree:");
        print(rows, null, "");
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /**
   * Starts the app, asks one question, closes the app; the rows the testkit stored, if it is used.
   */
  static List<ObjectNode> run(String[] appArgs, @Nullable BraintrustTestServer embedded)
      throws Exception {
    ConfigurableApplicationContext app = SpringApplication.run(SpringWebFluxExample.class, appArgs);
    String port = app.getEnvironment().getProperty("local.server.port");
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/questions/backpressure"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    System.out.println(
        "GET /questions/backpressure -> " + answer.statusCode() + " " + answer.body());
    // Closing the context is what delivers the spans: no flush call in the application.
    app.close();
    if (embedded == null) {
      return List.of();
    }
    String projectId = embedded.projectId("spring-example");
    return projectId == null ? List.of() : embedded.projectLogs(projectId);
  }

  private static void print(List<ObjectNode> rows, @Nullable String parent, String indent) {
    for (ObjectNode r : rows) {
      var parents = r.path("span_parents");
      boolean match =
          parent == null
              ? parents.isEmpty()
              : parents.size() == 1 && parents.get(0).asText().equals(parent);
      if (match) {
        System.out.println(
            indent
                + "- "
                + r.path("span_attributes").path("name").asText()
                + " ["
                + r.path("span_attributes").path("type").asText()
                + "]"
                + (r.has("output") ? " output=" + r.get("output") : ""));
        print(rows, r.path("span_id").asText(), indent + "  ");
      }
    }
  }
}

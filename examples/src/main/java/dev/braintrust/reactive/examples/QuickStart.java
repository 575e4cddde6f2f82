package dev.braintrust.reactive.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.Braintrust;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The quick start: traces a request with one LLM call, flushes it, and shows what arrived.
 *
 * <p>Without {@code BRAINTRUST_API_KEY} it starts the embedded testkit server and prints the rows
 * it stored; with one it sends to {@code BRAINTRUST_API_URL} (default https://api.braintrust.dev)
 * and prints a link to the trace in the Braintrust app.
 */
public final class QuickStart {
  private QuickStart() {}

  /** Runs the quick start. */
  public static void main(String[] args) {
    String key = System.getenv("BRAINTRUST_API_KEY");
    BraintrustTestServer embedded = null;
    Braintrust braintrust;
    if (key == null || key.isBlank()) {
      embedded = BraintrustTestServer.builder().build().start();
      System.out.println(
          "No BRAINTRUST_API_KEY set: using the embedded testkit server at " + embedded.baseUrl());
      braintrust =
          Braintrust.builder()
              .apiKey(embedded.apiKey())
              .apiUrl(embedded.baseUrl())
              .projectName("java-quickstart")
              .build();
    } else {
      // BRAINTRUST_API_URL, BRAINTRUST_PROJECT, BRAINTRUST_ORG_NAME... as the official SDKs read.
      braintrust = Braintrust.fromEnvironment();
      System.out.println("Sending to " + braintrust.client().baseUrl());
    }
    try {
      Tracer tracer = braintrust.tracer();
      Span root = tracer.startSpan("answer-question", SpanType.TASK);
      root.input(Map.of("question", "What is the capital of France?"));

      Span llm = root.startChild("chat-completion", SpanType.LLM);
      llm.log(
          Log.builder()
              .input(
                  List.of(
                      Map.of("role", "system", "content", "You answer in one word."),
                      Map.of("role", "user", "content", "What is the capital of France?")))
              .output(Map.of("role", "assistant", "content", "Paris"))
              .metadata("model", "gpt-4o-mini")
              .metadata("provider", "openai")
              .metric("prompt_tokens", 21)
              .metric("completion_tokens", 1)
              .metric("tokens", 22)
              .score("correct", 1.0)
              .build());
      llm.end();

      root.output("Paris");
      root.end();

      braintrust.flush().block(Duration.ofSeconds(30));
      ExporterStats stats = braintrust.exporter().stats();
      System.out.println(
          "Delivered "
              + stats.delivered()
              + " span(s); dropped "
              + stats.droppedTotal()
              + ", failed "
              + stats.failed()
              + ".");

      if (embedded != null) {
        String projectId = embedded.projectId("java-quickstart");
        System.out.println(
            "The server stored these rows in project 'java-quickstart' (" + projectId + "):");
        for (ObjectNode row : embedded.projectLogs(projectId)) {
          System.out.println(row.toPrettyString());
        }
        printTree(embedded.projectLogs(projectId), root.spanId(), "");
      } else {
        System.out.println(
            "See your trace at " + braintrust.permalink(root).block(Duration.ofSeconds(30)));
      }
    } finally {
      braintrust.close();
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private static void printTree(List<ObjectNode> rows, String spanId, String indent) {
    if (indent.isEmpty()) {
      System.out.println("Span tree:");
    }
    for (ObjectNode r : rows) {
      if (r.path("span_id").asText().equals(spanId)) {
        System.out.println(
            indent
                + "- "
                + r.path("span_attributes").path("name").asText()
                + " ["
                + r.path("span_attributes").path("type").asText()
                + "] output="
                + r.path("output"));
      }
    }
    for (ObjectNode r : rows) {
      for (var p : r.path("span_parents")) {
        if (p.asText().equals(spanId)) {
          printTree(rows, r.path("span_id").asText(), indent + "  ");
        }
      }
    }
  }
}

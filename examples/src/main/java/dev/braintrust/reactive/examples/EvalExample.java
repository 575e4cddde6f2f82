package dev.braintrust.reactive.examples;

import dev.braintrust.reactive.eval.Eval;
import dev.braintrust.reactive.eval.EvalCase;
import dev.braintrust.reactive.eval.EvalResult;
import dev.braintrust.reactive.eval.Scorer;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An eval: a task answering capital-city questions through the AI proxy, scored for an exact match,
 * written as an experiment. Without {@code BRAINTRUST_API_KEY} it runs against the embedded
 * testkit, whose fake model echoes the question, so the score shows what a wrong answer looks like.
 */
public final class EvalExample {
  private EvalExample() {}

  /** Runs the eval and prints its summary. */
  public static void main(String[] args) {
    String key = System.getenv("BRAINTRUST_API_KEY");
    BraintrustTestServer embedded =
        key == null || key.isBlank() ? BraintrustTestServer.builder().build().start() : null;
    try (BraintrustClient client =
        embedded == null
            ? BraintrustClient.fromEnvironment()
            : BraintrustClient.builder()
                .apiKey(embedded.apiKey())
                .baseUrl(embedded.baseUrl())
                .build()) {
      EvalResult result =
          Eval.<String, String>builder(client)
              .project("java-evals")
              .experiment("capitals")
              .data(List.of(EvalCase.of("France", "Paris"), EvalCase.of("Japan", "Tokyo")))
              .task(
                  country ->
                      client
                          .aiProxy()
                          .chatCompletion(
                              Map.of(
                                  "model",
                                  "gpt-4o-mini",
                                  "messages",
                                  List.of(
                                      Map.of(
                                          "role",
                                          "user",
                                          "content",
                                          "Capital of " + country + "? One word."))))
                          .map(c -> c.content().trim()))
              .scorer(
                  Scorer.of("exact", (c, out) -> c.expected().equalsIgnoreCase(out) ? 1.0 : 0.0))
              .timeout(Duration.ofSeconds(30))
              .build()
              .run()
              .block(Duration.ofMinutes(2));
      System.out.println("exact = " + result.scores().get("exact").mean());
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}

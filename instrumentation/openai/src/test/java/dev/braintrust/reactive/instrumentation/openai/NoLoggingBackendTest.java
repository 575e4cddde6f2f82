package dev.braintrust.reactive.instrumentation.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.internal.ChildJvm;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * openai-java puts {@code slf4j-api} on the class path without a backend, so SLF4J discards
 * everything; the library's warnings must still reach the console.
 */
class NoLoggingBackendTest {

  @Test
  void aRefusedKeyIsReportedOnTheConsoleWhenSlf4jHasNoBackend() {
    String classPath = ChildJvm.classPath();
    assertThat(Arrays.asList(classPath.split(java.io.File.pathSeparator)))
        .as("this test needs slf4j-api, and no backend, on the class path")
        .anyMatch(e -> e.contains("slf4j-api"))
        .noneMatch(e -> e.contains("logback") || e.contains("slf4j-simple"));
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      ChildJvm.Result r =
          ChildJvm.run(
              classPath,
              RefusedKeyProbe.class,
              Map.of(
                  "BRAINTRUST_API_KEY",
                  "not-" + server.apiKey(),
                  "BRAINTRUST_API_URL",
                  server.baseUrl(),
                  "BRAINTRUST_PROJECT",
                  "refused"),
              Duration.ofMinutes(2));
      assertThat(r.stdout()).contains("not delivered");
      // A warning from the logger (java.util.logging's console format), not only the exit line.
      assertThat(r.stderrLinesContaining("WARNING:"))
          .as(r.stderr())
          .anySatisfy(line -> assertThat(line).contains("401"));
    }
  }
}

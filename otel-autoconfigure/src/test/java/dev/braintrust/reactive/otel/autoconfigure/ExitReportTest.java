package dev.braintrust.reactive.otel.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.testkit.internal.ChildJvm;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Under autoconfigure our exporter shuts down from the SDK's shutdown hook, when the JVM's own
 * logging may be gone: the count of what was lost must still reach standard error.
 */
class ExitReportTest {

  @Test
  void spansLostAtExitUnderAutoconfigureAreCountedOnStandardError() {
    int closedPort = ChildJvm.closedPort();
    ChildJvm.Result r =
        ChildJvm.run(
            ChildJvm.classPath(),
            AutoconfiguredExitProbe.class,
            Map.of(
                "OTEL_TRACES_EXPORTER", "braintrust",
                "OTEL_METRICS_EXPORTER", "none",
                "OTEL_LOGS_EXPORTER", "none",
                "BRAINTRUST_API_KEY", "k",
                "BRAINTRUST_API_URL", "http://127.0.0.1:" + closedPort,
                "BRAINTRUST_PROJECT", "unreachable",
                "BRAINTRUST_SHUTDOWN_TIMEOUT", "2s"),
            Duration.ofMinutes(2));
    assertThat(r.stdout()).contains("ended");
    assertThat(r.stderrLinesContaining("braintrust-reactive: exporter shut down with"))
        .as(r.stderr())
        .singleElement()
        .asString()
        .contains("1 of 1 event(s) not delivered");
  }
}

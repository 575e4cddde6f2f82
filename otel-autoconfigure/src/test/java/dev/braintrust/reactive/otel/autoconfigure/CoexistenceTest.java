package dev.braintrust.reactive.otel.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Another vendor's exporter next to ours: both get every span, and nothing goes global. */
@ExtendWith(BraintrustTestServerExtension.class)
class CoexistenceTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"memory", "console"}) // batched by the SDK with ours / in a simple processor
  void bothExportersReceiveEverySpanAndTheGlobalIsLeftAlone(
      String other, BraintrustTestServer server) {
    Map<String, String> props =
        AutoConfigureTest.props(
            server,
            "otel.traces.exporter",
            "braintrust," + other,
            "braintrust.project",
            "both-" + other);
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesCustomizer(c -> props)
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    try {
      Span root = sdk.getTracer("t").spanBuilder("root").startSpan();
      try (Scope s = root.makeCurrent()) {
        sdk.getTracer("t").spanBuilder("child").startSpan().end();
      }
      root.end();
      AutoConfigureTest.flush(sdk);

      assertThat(MemoryExporterProvider.LAST.get(other).spans)
          .extracting(SpanData::getName)
          .containsExactlyInAnyOrder("root", "child");
      assertThat(AutoConfigureTest.rows(server, "both-" + other)).containsOnlyKeys("root", "child");
      // One Braintrust processor; the other vendor keeps its own, and ours is not a second queue.
      String pipeline = sdk.getSdkTracerProvider().toString();
      Matcher ours = Pattern.compile("BraintrustSpanProcessor@[0-9a-f]+").matcher(pipeline);
      assertThat(ours.results().map(MatchResult::group).distinct()).hasSize(1);
      assertThat(pipeline)
          .contains(other.equals("console") ? "SimpleSpanProcessor" : "BatchSpanProcessor");
      assertThat(
              GlobalOpenTelemetry.getTracer("t")
                  .spanBuilder("x")
                  .startSpan()
                  .getSpanContext()
                  .isValid())
          .as("the global OpenTelemetry stays the no-op one")
          .isFalse();
    } finally {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}

package dev.braintrust.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.core.internal.Origin;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code context.span_origin} on every span row, and user context entries next to it. */
class SpanOriginTest {
  static final ObjectMapper M = new ObjectMapper();
  final RecordingSink sink = new RecordingSink();
  final Tracer tracer = Tracer.create(sink, Destination.projectLogs("p"));
  final EventEncoder encoder = new EventEncoder();

  JsonNode json(BraintrustEvent e) throws Exception {
    return M.readTree(encoder.encode(e).json());
  }

  @Test
  void aManualSpanNamesTheLibraryItsBuildVersionAndTheCoreModule() throws Exception {
    tracer.startSpan("manual", SpanType.TASK).end();

    JsonNode origin = json(sink.byName("manual")).at("/context/span_origin");
    assertThat(origin.get("name").asText()).isEqualTo("braintrust.sdk.java-reactive");
    // The build filters the version in: a missing resource would say "unknown".
    assertThat(origin.get("version").asText()).isNotBlank().isNotEqualTo("unknown");
    assertThat(origin.at("/instrumentation/name").asText()).isEqualTo("tracing-core");
  }

  @Test
  void aTracerWithAnInstrumentationNamePassesItToItsSpansAndTheirChildren() throws Exception {
    Tracer wrapper = tracer.withInstrumentation("instrumentation-openai");
    Span llm = wrapper.startSpan("Chat Completion", SpanType.LLM);
    llm.startChild("inner", SpanType.TASK).end();
    llm.end();

    assertThat(
            json(sink.byName("Chat Completion"))
                .at("/context/span_origin/instrumentation/name")
                .asText())
        .isEqualTo("instrumentation-openai");
    assertThat(json(sink.byName("inner")).at("/context/span_origin/instrumentation/name").asText())
        .isEqualTo("instrumentation-openai");
  }

  @Test
  void userContextEntriesSitBesideTheOriginAndAUserOriginReplacesOurs() throws Exception {
    tracer
        .startSpan("located", SpanType.TASK)
        .log(
            Log.builder()
                .context("caller_functionname", "main")
                .context("caller_lineno", 42)
                .build())
        .end();
    tracer
        .startSpan("gateway", SpanType.TASK)
        .log(Log.builder().context("span_origin", Map.of("name", "my.gateway")).build())
        .end();

    JsonNode located = json(sink.byName("located")).get("context");
    assertThat(located.get("caller_functionname").asText()).isEqualTo("main");
    assertThat(located.get("caller_lineno").asInt()).isEqualTo(42);
    assertThat(located.at("/span_origin/name").asText()).isEqualTo("braintrust.sdk.java-reactive");
    JsonNode gateway = json(sink.byName("gateway")).get("context");
    assertThat(gateway.get("span_origin")).isEqualTo(M.valueToTree(Map.of("name", "my.gateway")));
  }

  @Test
  void aLateMergeRowDoesNotRestateTheOrigin() throws Exception {
    Span s = tracer.startSpan("late", SpanType.TASK);
    s.end();
    s.metadata("after", 1);

    BraintrustEvent merge = sink.events.get(sink.events.size() - 1);
    assertThat(merge.isMerge()).isTrue();
    assertThat(json(merge).has("context")).isFalse();
  }

  @Test
  void aBlankInstrumentationNameIsRefusedWithItsName() {
    assertThatThrownBy(() -> tracer.withInstrumentation(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("instrumentation name");
  }

  @Test
  void explicitEnvironmentVariablesWinAndEachIsKeptWhenAloneAndNamesAreSnakeCased() {
    Origin.Environment both =
        Origin.Environment.resolve(
            Map.of(
                    "BRAINTRUST_ENVIRONMENT_TYPE", "server",
                    "BRAINTRUST_ENVIRONMENT_NAME", "Prod EU-West",
                    "GITHUB_ACTIONS", "true")
                ::get);
    assertThat(both.type()).isEqualTo("server");
    assertThat(both.name()).isEqualTo("prod_eu_west");

    Origin.Environment nameOnly =
        Origin.Environment.resolve(Map.of("BRAINTRUST_ENVIRONMENT_NAME", "staging")::get);
    assertThat(nameOnly.type()).isNull();
    assertThat(nameOnly.name()).isEqualTo("staging");
  }

  @Test
  void ciProvidersThenGenericCiThenServerPlatformsAreDetected() {
    assertThat(env(Map.of("GITHUB_ACTIONS", "true", "KUBERNETES_SERVICE_HOST", "10.0.0.1")))
        .isEqualTo("ci/github_actions");
    assertThat(env(Map.of("JENKINS_URL", "http://ci"))).isEqualTo("ci/jenkins");
    assertThat(env(Map.of("CI", "1"))).isEqualTo("ci/ci");
    assertThat(env(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"))).isEqualTo("server/kubernetes");
    assertThat(env(Map.of("AWS_EXECUTION_ENV", "AWS_ECS_FARGATE"))).isEqualTo("server/ecs");
    assertThat(env(Map.of("AWS_EXECUTION_ENV", "AWS_Lambda_java17")))
        .isEqualTo("server/aws_lambda");
    assertThat(
            env(
                Map.of(
                    "ECS_CONTAINER_METADATA_URI_V4", "http://x", "AWS_LAMBDA_FUNCTION_NAME", "f")))
        .isEqualTo("server/ecs");
  }

  @Test
  void noSignalMeansNoEnvironmentNeverAGuessedLocal() {
    assertThat(Origin.Environment.resolve(Map.<String, String>of()::get)).isNull();
    assertThat(Origin.Environment.resolve(Map.of("CI", "false")::get)).isNull();
  }

  private static String env(Map<String, String> vars) {
    Origin.Environment e = Origin.Environment.resolve(vars::get);
    return e == null ? "none" : e.type() + "/" + e.name();
  }
}

package dev.braintrust.reactive.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every public entry point's input rules, with the exact message each bad value gets. */
class BadInputTest {
  static final Tracer TRACER = Tracer.create(new RecordingSink(), Destination.projectLogs("p"));

  static Stream<Arguments> cases() {
    Span s = TRACER.startSpan("s");
    return Stream.of(
        Arguments.of("score above 1", (Executable) () -> s.score("acc", 1.5),
            "score 'acc' must be between 0 and 1, got 1.5"),
        Arguments.of("score below 0", (Executable) () -> s.score("acc", -0.1),
            "score 'acc' must be between 0 and 1, got -0.1"),
        Arguments.of("NaN score", (Executable) () -> s.score("acc", Double.NaN),
            "score 'acc' must be a finite number between 0 and 1, got NaN"),
        Arguments.of("infinite score", (Executable) () -> s.score("acc", Double.POSITIVE_INFINITY),
            "score 'acc' must be a finite number between 0 and 1, got Infinity"),
        Arguments.of("null score name", (Executable) () -> s.score(null, 0.5),
            "score name must not be null or empty"),
        Arguments.of("NaN metric", (Executable) () -> s.metric("tokens", Double.NaN),
            "metric 'tokens' must be a finite number, got NaN"),
        Arguments.of("null metric", (Executable) () -> s.metric("tokens", null),
            "metric 'tokens' must not be null"),
        Arguments.of("empty metadata key", (Executable) () -> s.metadata("", 1),
            "metadata key must not be null or empty"),
        Arguments.of("empty tag", (Executable) () -> s.tag(""), "tag must not be null or empty"),
        Arguments.of("blank id", (Executable) () -> BraintrustEvent.builder(Destination.projectLogs("p"), " "),
            "id must not be null or blank"),
        Arguments.of("id with control char", (Executable) () -> BraintrustEvent.builder(Destination.projectLogs("p"), "a\u0000b"),
            "id must not contain control characters"),
        Arguments.of("overlong id", (Executable) () -> BraintrustEvent.builder(Destination.projectLogs("p"), "x".repeat(1025)),
            "id must be at most 1024 characters, got 1025"),
        Arguments.of("blank project id", (Executable) () -> Destination.projectLogs(""),
            "projectId must not be null or blank"),
        Arguments.of("bad parent", (Executable) () -> Destination.parse("nope"),
            "invalid Braintrust parent 'nope'; expected project_id:ID, project_name:NAME, experiment_id:ID or dataset_id:ID"),
        Arguments.of("bad span type", (Executable) () -> SpanType.fromWireName("agent"),
            "unknown span type 'agent'; expected one of llm, task, tool, score, eval, function"),
        Arguments.of("zero capacity", (Executable) () -> BraintrustExporter.builder((d, b) -> null).capacity(0),
            "capacity must be positive, got 0"),
        Arguments.of("negative block timeout", (Executable) () -> OverflowPolicy.block(java.time.Duration.ofSeconds(-1)),
            "timeout must not be negative, got PT-1S"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rejectsWithAClearMessage(String name, Executable call, String message) {
    assertThatThrownBy(call::execute).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}

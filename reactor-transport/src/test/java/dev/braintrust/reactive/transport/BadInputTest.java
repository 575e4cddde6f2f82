package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanSink;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.DropReason;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The input rules of every public entry point, each bad value with the exact error it gets, and
 * proof that a bad event never takes its batch down with it.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class BadInputTest {
  static final Destination D = Destination.projectLogs("p");
  static final Tracer TRACER = Tracer.create(SpanSink.noop(), D);
  static final BraintrustClient CLIENT =
      BraintrustClient.builder().apiKey("k").baseUrl("http://127.0.0.1:9").build();

  static Arguments bad(
      String name, Class<? extends Throwable> type, Executable call, String message) {
    return Arguments.of(name, type, call, message);
  }

  static Stream<Arguments> cases() {
    Span s = TRACER.startSpan("s");
    Class<IllegalArgumentException> iae = IllegalArgumentException.class;
    Class<NullPointerException> npe = NullPointerException.class;
    return Stream.of(
        // scores, metrics, metadata and tags on spans
        bad(
            "score above 1",
            iae,
            () -> s.score("acc", 1.5),
            "score 'acc' must be between 0 and 1, got 1.5"),
        bad(
            "score below 0",
            iae,
            () -> s.score("acc", -0.1),
            "score 'acc' must be between 0 and 1, got -0.1"),
        bad(
            "NaN score",
            iae,
            () -> s.score("acc", Double.NaN),
            "score 'acc' must be a finite number between 0 and 1, got NaN"),
        bad(
            "infinite score",
            iae,
            () -> s.score("acc", Double.NEGATIVE_INFINITY),
            "score 'acc' must be a finite number between 0 and 1, got -Infinity"),
        bad(
            "null score name",
            iae,
            () -> s.score(null, 0.5),
            "score name must not be null or empty"),
        bad(
            "NaN metric",
            iae,
            () -> s.metric("tokens", Double.NaN),
            "metric 'tokens' must be a finite number, got NaN"),
        bad("null metric", iae, () -> s.metric("tokens", null), "metric 'tokens' must not be null"),
        bad(
            "empty metric name",
            iae,
            () -> Log.builder().metric("", 1),
            "metric name must not be null or empty"),
        bad(
            "empty metadata key",
            iae,
            () -> s.metadata("", 1),
            "metadata key must not be null or empty"),
        bad(
            "null metadata key",
            iae,
            () -> s.metadata(null, 1),
            "metadata key must not be null or empty"),
        bad("empty tag", iae, () -> s.tag(""), "tag must not be null or empty"),
        bad(
            "null span name",
            npe,
            () -> TRACER.startSpan(null, SpanType.LLM),
            "span name must not be null"),
        bad("null span type", npe, () -> TRACER.startSpan("n", null), "span type must not be null"),
        bad(
            "unknown span type",
            iae,
            () -> SpanType.fromWireName("agent"),
            "unknown span type 'agent'; expected one of llm, task, tool, score, eval, function"),
        // ids and destinations
        bad("blank id", iae, () -> BraintrustEvent.builder(D, " "), "id must not be null or blank"),
        bad("null id", iae, () -> BraintrustEvent.builder(D, null), "id must not be null or blank"),
        bad(
            "id with a control character",
            iae,
            () -> BraintrustEvent.builder(D, "a\u0000b"),
            "id must not contain control characters"),
        bad(
            "overlong id",
            iae,
            () -> BraintrustEvent.builder(D, "x".repeat(1025)),
            "id must be at most 1024 characters, got 1025"),
        bad("null destination", npe, () -> BraintrustEvent.builder(null, "x"), "destination"),
        bad(
            "blank project id",
            iae,
            () -> Destination.projectLogs(""),
            "projectId must not be null or blank"),
        bad(
            "null experiment name",
            iae,
            () -> Destination.experimentByName("p", null),
            "experimentName must not be null or blank"),
        bad(
            "bad parent string",
            iae,
            () -> Destination.parse("experiment:1"),
            "invalid Braintrust parent 'experiment:1'; expected project_id:ID, project_name:NAME, experiment_id:ID or dataset_id:ID"),
        // exporter settings
        bad(
            "zero capacity",
            iae,
            () -> BraintrustExporter.builder((d, b) -> null).capacity(0),
            "capacity must be positive, got 0"),
        bad(
            "negative batch size",
            iae,
            () -> BraintrustExporter.builder((d, b) -> null).maxBatchEvents(-1),
            "maxBatchEvents must be positive, got -1"),
        bad(
            "tiny batch bytes",
            iae,
            () -> BraintrustExporter.builder((d, b) -> null).maxBatchBytes(10),
            "maxBatchBytes must be at least 64, got 10"),
        bad(
            "zero flush interval",
            iae,
            () -> BraintrustExporter.builder((d, b) -> null).flushInterval(Duration.ZERO),
            "flushInterval must be positive, got PT0S"),
        bad(
            "negative block timeout",
            iae,
            () -> OverflowPolicy.block(Duration.ofSeconds(-1)),
            "timeout must not be negative, got PT-1S"),
        // client settings
        bad(
            "no API key",
            iae,
            () -> BraintrustClient.builder().build(),
            "apiKey must not be null or blank"),
        bad(
            "blank API key",
            iae,
            () -> BraintrustClient.builder().apiKey("  ").build(),
            "apiKey must not be null or blank"),
        bad(
            "not a URL",
            iae,
            () -> BraintrustClient.builder().apiKey("k").baseUrl("ftp://x").build(),
            "baseUrl 'ftp://x' must be an http(s) URL with a host"),
        bad(
            "plain http off loopback",
            iae,
            () -> BraintrustClient.builder().apiKey("k").baseUrl("http://10.0.0.1").build(),
            "baseUrl 'http://10.0.0.1' uses plain http to a non-loopback host; use https, or allowInsecureHttp(true) if you really mean it"),
        bad(
            "gzip level",
            iae,
            () -> BraintrustClient.builder().gzipLevel(10),
            "gzipLevel must be between 1 and 9, got 10"),
        bad(
            "negative retries",
            iae,
            () -> BraintrustClient.builder().maxRetries(-1),
            "maxRetries must not be negative, got -1"),
        bad(
            "inverted backoff",
            iae,
            () -> BraintrustClient.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)),
            "backoff needs 0 < min <= max, got PT2S, PT1S"),
        // request/response calls
        bad(
            "feedback score out of range",
            iae,
            () -> Feedback.forRow("r").score("s", 2),
            "score 's' must be between 0 and 1, got 2.0"),
        bad(
            "feedback without id",
            iae,
            () -> Feedback.forRow(null).build(),
            "id must not be null or blank"),
        bad(
            "empty feedback",
            iae,
            () -> CLIENT.rows(D).feedback(List.of()).block(),
            "feedback needs at least one item"),
        bad(
            "zero page size",
            iae,
            () -> CLIENT.rows(D).fetch(FetchQuery.all().pageSize(0)).blockFirst(),
            "pageSize must be positive, got 0"),
        bad(
            "chat request without model",
            iae,
            () -> CLIENT.aiProxy().chatCompletion(Map.of("messages", List.of())),
            "a chat completion request needs 'model' and a 'messages' array"),
        bad(
            "chat request without messages",
            iae,
            () -> CLIENT.aiProxy().chatCompletionStream(Map.of("model", "m")),
            "a chat completion request needs 'model' and a 'messages' array"),
        bad(
            "instrumenting a class",
            iae,
            () -> TRACER.instrument(String.class, "x"),
            "java.lang.String is not an interface; @Traced proxies need an interface"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachBadInputGetsAClearError(
      String name, Class<? extends Throwable> type, Executable call, String message) {
    assertThatThrownBy(call::execute).isInstanceOf(type).hasMessage(message);
  }

  public static final class Loop {
    public Loop self = this;
  }

  @Test
  void badEventsNeverPoisonTheirBatch(BraintrustTestServer server) {
    String pid = server.createProject("poison");
    Destination d = Destination.projectLogs(pid);
    Map<String, Object> cyclic = new HashMap<>();
    cyclic.put("me", cyclic);
    String unicode =
        "emoji 🚀, rtl \u202Eabc, nul \u0000, lone \uD800, bom \uFEFF, combining e\u0301";
    BraintrustExporter exporter =
        BraintrustExporter.builder(
                BraintrustClient.builder()
                    .apiKey(server.apiKey())
                    .baseUrl(server.baseUrl())
                    .build())
            .build();

    exporter.accept(BraintrustEvent.builder(d, "good-1").input("fine").build());
    exporter.accept(BraintrustEvent.builder(d, "cycle").input(cyclic).output("kept").build());
    exporter.accept(BraintrustEvent.builder(d, "bean-cycle").input(new Loop()).build());
    exporter.accept(BraintrustEvent.builder(d, "nan").input(Map.of("x", Double.NaN)).build());
    exporter.accept(BraintrustEvent.builder(d, "huge").input("x".repeat(10 * 1024 * 1024)).build());
    exporter.accept(
        BraintrustEvent.builder(d, "unicode-\u00e9\uD83D\uDE80").input(unicode).build());
    exporter.accept(null);
    exporter.accept(BraintrustEvent.builder(d, "good-2").input("also fine").build());
    exporter.flush().block(Duration.ofSeconds(20));

    Map<String, ObjectNode> rows =
        server.projectLogs(pid).stream()
            .collect(Collectors.toMap(r -> r.get("id").asText(), r -> r));
    assertThat(rows)
        .containsOnlyKeys(
            "good-1", "cycle", "bean-cycle", "nan", "unicode-\u00e9\uD83D\uDE80", "good-2");
    assertThat(rows.get("good-1").get("input").asText()).isEqualTo("fine");
    assertThat(rows.get("cycle").get("output").asText()).isEqualTo("kept");
    assertThat(rows.get("cycle").get("metadata").get("serialization_errors").get(0).asText())
        .isEqualTo(
            "input could not be serialised: value is nested too deeply to write, probably a cycle");
    assertThat(rows.get("bean-cycle").get("metadata").get("serialization_errors").get(0).asText())
        .startsWith(
            "input could not be serialised: InvalidDefinitionException: Direct self-reference leading to cycle");
    assertThat(rows.get("nan").get("input").get("x").asText()).isEqualTo("NaN");
    assertThat(rows.get("unicode-\u00e9\uD83D\uDE80").get("input").asText()).isEqualTo(unicode);
    assertThat(exporter.stats().dropped(DropReason.OVERSIZED)).isEqualTo(1);
    assertThat(exporter.stats().dropped(DropReason.INVALID)).isEqualTo(1);
    assertThat(exporter.stats().serializationErrors()).isEqualTo(2);
    assertThat(exporter.stats().delivered()).isEqualTo(6);
    exporter.close();
  }
}

package dev.braintrust.reactive.eval;

import static dev.braintrust.reactive.eval.EvalRunTest.byType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.SpanSink;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/** What a run delivers before it completes, and the span shapes of the spec's eval-spans.md. */
@ExtendWith(BraintrustTestServerExtension.class)
class EvalDeliveryAndShapesTest {
  static final Duration T = Duration.ofSeconds(30);

  private final List<AutoCloseable> closeables = new ArrayList<>();

  BraintrustClient client(BraintrustTestServer server) {
    BraintrustClient c =
        BraintrustClient.builder()
            .apiKey(server.apiKey())
            .baseUrl(server.baseUrl())
            .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .build();
    closeables.add(c);
    return c;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void runCompletesOnlyAfterTheSpansTheTaskWroteThroughTheUsersOwnExporterAreDelivered(
      BraintrustTestServer server) {
    BraintrustClient client = client(server);
    // The user's exporter sends only when flushed: its interval outlasts any test.
    BraintrustExporter userExporter =
        BraintrustExporter.builder(client)
            .flushInterval(Duration.ofHours(1))
            .maxBatchEvents(10_000)
            .registerShutdownHook(false)
            .build();
    closeables.add(userExporter);
    Tracer userTracer = Tracer.create(userExporter, Destination.projectLogsByName("elsewhere"));

    EvalResult r =
        Eval.<String, String>builder(client)
            .project("delivery")
            .experiment("e1")
            .data(List.of(EvalCase.of("Ann", "Hi Ann"), EvalCase.of("Bo", "Hi Bo")))
            .task(
                name ->
                    userTracer.mono(
                        "chat",
                        SpanType.LLM,
                        span -> {
                          span.metric("tokens", 7);
                          return Mono.just("Hi " + name);
                        }))
            .scorer(EvalRunTest.exact())
            .quiet()
            .build()
            .run()
            .block(T);

    // No waiting: the rows must be there when run() completes.
    List<ObjectNode> rows = server.experimentRows(r.experimentId());
    List<ObjectNode> llm = byType(rows, "llm");
    assertThat(llm).hasSize(2);
    for (ObjectNode call : llm) {
      ObjectNode task =
          byType(rows, "task").stream()
              .filter(t -> t.get("span_id").asText().equals(call.at("/span_parents/0").asText()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("an LLM span not under a task span: " + call));
      assertThat(call.get("root_span_id").asText()).isEqualTo(task.get("root_span_id").asText());
    }
    assertThat(r.undelivered()).isEmpty();
    r.assertDelivered();
  }

  @Test
  void spansWrittenToASinkThatCannotConfirmDeliveryAreReportedAsNotDelivered(
      BraintrustTestServer server) {
    List<BraintrustEvent> kept = new CopyOnWriteArrayList<>();
    SpanSink listSink = kept::add;
    Tracer tracer = Tracer.create(listSink, Destination.projectLogsByName("x"));
    EvalResult r =
        Eval.<String, String>builder(client(server))
            .project("delivery")
            .experiment("e2")
            .data(List.of(EvalCase.of("a", "a")))
            .task(in -> tracer.mono("step", SpanType.TOOL, span -> Mono.just(in)))
            .scorer(EvalRunTest.exact())
            .quiet()
            .build()
            .run()
            .block(T);
    assertThat(kept).hasSize(1);
    assertThat(r.undelivered())
        .singleElement()
        .asString()
        .contains("1 task span(s)")
        .contains("not a BraintrustExporter");
    assertThatThrownBy(r::assertDelivered).isInstanceOf(AssertionError.class);
  }

  @Test
  void caseRowsTheServerRefusesAreReportedNotLost(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    // The one insert of the two cases is refused for good (a 400 is not retried).
    server.faults().enqueue(Fault.status(400).onPathContaining("/insert"), 1);
    EvalResult r =
        Eval.<String, String>builder(client)
            .project("delivery")
            .experiment("e3")
            .data(List.of(EvalCase.of("a", "a"), EvalCase.of("b", "b")))
            .task(Mono::just)
            .scorer(EvalRunTest.exact())
            .quiet()
            .build()
            .run()
            .block(T);
    assertThat(r.cases()).isEqualTo(2);
    assertThat(r.undelivered())
        .singleElement()
        .asString()
        .startsWith("2 case run(s) whose rows the server did not take");
  }

  @Test
  void evalTaskAndScoreSpansHaveTheShapesOfTheSpec(BraintrustTestServer server) {
    EvalResult r =
        Eval.<String, String>builder(client(server))
            .project("shapes")
            .experiment("s1")
            .data(List.of(EvalCase.of("Ann", "Hi Ann")))
            .task(name -> Mono.just("Hi " + name))
            .scorer(EvalRunTest.exact())
            .quiet()
            .build()
            .run()
            .block(T);
    List<ObjectNode> rows = server.experimentRows(r.experimentId());
    ObjectNode eval = byType(rows, "eval").get(0);
    assertThat(eval.at("/span_attributes/name").asText()).isEqualTo("eval");
    assertThat(eval.has("span_parents")).isFalse();
    assertThat(eval.get("input").asText()).isEqualTo("Ann");
    assertThat(eval.get("expected").asText()).isEqualTo("Hi Ann");
    assertThat(eval.get("output").asText()).isEqualTo("Hi Ann");
    assertThat(eval.at("/scores/exact").asDouble()).isEqualTo(1.0);
    assertThat(eval.has("origin")).isFalse();
    assertThat(eval.has("classifications")).isFalse();

    ObjectNode task = byType(rows, "task").get(0);
    assertThat(task.at("/span_attributes/name").asText()).isEqualTo("task");
    assertThat(task.at("/span_parents/0").asText()).isEqualTo(eval.get("span_id").asText());
    assertThat(task.get("input").asText()).isEqualTo("Ann");
    assertThat(task.get("expected").asText()).isEqualTo("Hi Ann");
    assertThat(task.get("output").asText()).isEqualTo("Hi Ann");

    ObjectNode score = byType(rows, "score").get(0);
    JsonNode attrs = score.get("span_attributes");
    assertThat(attrs.get("name").asText()).isEqualTo("exact");
    assertThat(attrs.get("purpose").asText()).isEqualTo("scorer");
    assertThat(attrs.get("exact").asDouble()).isEqualTo(1.0);
    assertThat(score.at("/span_parents/0").asText()).isEqualTo(eval.get("span_id").asText());
    assertThat(score.at("/output/exact").asDouble()).isEqualTo(1.0);
    // A scorer's row carries no scores of its own: the case's are on the eval row only.
    assertThat(score.has("scores")).isFalse();
    assertThat(rows)
        .allSatisfy(
            n -> {
              assertThat(n.at("/root_span_id").asText())
                  .isEqualTo(eval.get("root_span_id").asText());
              assertThat(n.at("/context/span_origin/instrumentation/name").asText())
                  .isEqualTo("eval");
            });
  }

  static Map<String, Object> record(String id, Object input, Object expected) {
    return Map.of("id", id, "input", input, "expected", expected);
  }
}

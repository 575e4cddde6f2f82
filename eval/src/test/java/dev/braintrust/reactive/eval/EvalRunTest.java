package dev.braintrust.reactive.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

@ExtendWith(BraintrustTestServerExtension.class)
class EvalRunTest {
  static final Duration T = Duration.ofSeconds(20);

  private final List<BraintrustClient> clients = new ArrayList<>();

  BraintrustClient client(BraintrustTestServer server) {
    BraintrustClient c =
        BraintrustClient.builder()
            .apiKey(server.apiKey())
            .baseUrl(server.baseUrl())
            .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .build();
    clients.add(c);
    return c;
  }

  @AfterEach
  void closeClients() {
    clients.forEach(BraintrustClient::close);
  }

  static Scorer<String, String> exact() {
    return Scorer.of("exact", (c, out) -> out != null && out.equals(c.expected()) ? 1.0 : 0.0);
  }

  @Test
  void eachCaseIsAnEvalRowWithTaskAndScoreChildSpans(BraintrustTestServer server) {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    EvalResult r =
        Eval.<String, String>builder(client(server))
            .project("greeter")
            .experiment("v1")
            .data(
                List.of(
                    EvalCase.of("Ann", "Hi Ann"),
                    EvalCase.of("Bo", "Hi Bo"),
                    EvalCase.of("Cy", "Hello Cy")))
            .task(name -> Mono.just("Hi " + name))
            .scorer(exact())
            .scorer(Scorer.of("length", (c, out) -> out.length() > 5 ? 1.0 : null))
            .tag("nightly")
            .console(new PrintStream(console, true, StandardCharsets.UTF_8))
            .build()
            .run()
            .block(T);

    String pid = server.projectId("greeter");
    String eid = server.experimentId(pid, "v1");
    List<ObjectNode> rows = server.experimentRows(eid);
    List<ObjectNode> roots = byType(rows, "eval");
    assertThat(roots).hasSize(3);
    ObjectNode ann =
        roots.stream().filter(n -> n.get("input").asText().equals("Ann")).findFirst().get();
    assertThat(ann.get("expected").asText()).isEqualTo("Hi Ann");
    assertThat(ann.get("output").asText()).isEqualTo("Hi Ann");
    assertThat(ann.get("scores").get("exact").asDouble()).isEqualTo(1.0);
    assertThat(ann.get("tags")).extracting(JsonNode::asText).containsExactly("nightly");
    String annSpan = ann.get("span_id").asText();
    List<ObjectNode> children =
        rows.stream()
            .filter(n -> n.path("span_parents").toString().contains(annSpan))
            .collect(Collectors.toList());
    assertThat(children)
        .extracting(
            n ->
                n.get("span_attributes").get("type").asText()
                    + ":"
                    + n.get("span_attributes").get("name").asText())
        .containsExactlyInAnyOrder("task:task", "score:exact", "score:length");
    assertThat(byType(rows, "task")).hasSize(3);
    assertThat(byType(rows, "score")).hasSize(6);
    assertThat(children)
        .allSatisfy(
            n ->
                assertThat(n.at("/context/span_origin/instrumentation/name").asText())
                    .isEqualTo("eval"));

    assertThat(r.cases()).isEqualTo(3);
    assertThat(r.scores().get("exact").mean())
        .isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r.scores().get("length").count()).isEqualTo(1);
    assertThat(r.taskErrors()).isZero();
    assertThat(r.experimentId()).isEqualTo(eid);
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("Eval v1 [")
        .contains("3/3")
        .contains("exact")
        .contains("66.67%");
  }

  @Test
  void failingAndTimedOutTasksAndScorersAreRecordedAndCountedWithoutEndingTheRun(
      BraintrustTestServer server) throws Exception {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    Sinks.One<Boolean> hangingStarted = Sinks.one();
    Mono<EvalResult> run =
        Eval.<String, String>builder(client(server))
            .project("faults")
            .experiment("e1")
            .data(
                List.of(
                    EvalCase.of("ok", "ok"), EvalCase.of("boom", "x"), EvalCase.of("hang", "x")))
            .task(
                in ->
                    switch (in) {
                      case "boom" -> Mono.error(new IllegalStateException("task exploded"));
                      case "hang" ->
                          Mono.<String>never()
                              .doOnSubscribe(s -> hangingStarted.tryEmitValue(true));
                      default -> Mono.just(in);
                    })
            .scorer(exact())
            .scorer(
                Scorer.of(
                    "broken",
                    (c, out) -> {
                      throw new IllegalArgumentException("scorer exploded");
                    }))
            .timeout(Duration.ofSeconds(30))
            .timer(vts)
            .quiet()
            .build()
            .run();

    var result = run.toFuture();
    hangingStarted.asMono().block(T);
    // The timeout's timer is scheduled just after the task is subscribed, on the run's thread:
    // keep moving virtual time until the run has seen it fire.
    long deadline = System.nanoTime() + T.toNanos();
    while (!result.isDone() && System.nanoTime() < deadline) {
      vts.advanceTimeBy(Duration.ofSeconds(30));
      Thread.yield();
    }
    EvalResult r = result.get(T.toSeconds(), TimeUnit.SECONDS);

    assertThat(r.cases()).isEqualTo(3);
    assertThat(r.taskErrors()).isEqualTo(2);
    assertThat(r.timeouts()).isEqualTo(1);
    assertThat(r.scorerErrors()).isEqualTo(1);
    assertThat(r.scores().get("exact").count()).isEqualTo(1);
    List<ObjectNode> rows =
        server.experimentRows(server.experimentId(server.projectId("faults"), "e1"));
    assertThat(byType(rows, "task"))
        .filteredOn(n -> n.hasNonNull("error"))
        .extracting(n -> n.get("error").asText())
        .anySatisfy(e -> assertThat(e).contains("task exploded"))
        .anySatisfy(e -> assertThat(e).contains("longer than PT30S"));
    assertThat(byType(rows, "score"))
        .filteredOn(n -> n.hasNonNull("error"))
        .singleElement()
        .satisfies(n -> assertThat(n.get("error").asText()).contains("scorer exploded"));
    assertThat(byType(rows, "eval")).filteredOn(n -> n.hasNonNull("error")).hasSize(2);
  }

  @Test
  void noMoreThanMaxConcurrencyCasesRunAtOnce(BraintrustTestServer server) throws Exception {
    AtomicInteger active = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    BlockingQueue<Sinks.One<String>> running = new ArrayBlockingQueue<>(100);
    Mono<EvalResult> run =
        Eval.<Integer, String>builder(client(server))
            .project("bounded")
            .experiment("c3")
            .data(IntStream.range(0, 12).mapToObj(i -> EvalCase.<Integer, String>of(i)).toList())
            .task(
                i -> {
                  Sinks.One<String> done = Sinks.one();
                  peak.accumulateAndGet(active.incrementAndGet(), Math::max);
                  running.add(done);
                  return done.asMono().doOnSuccess(s -> active.decrementAndGet());
                })
            .scorer(Scorer.of("any", (c, out) -> 1.0))
            .maxConcurrency(3)
            .quiet()
            .build()
            .run();
    var result = run.toFuture();
    // Hold the first three: the runner must start exactly three and no fourth.
    List<Sinks.One<String>> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(running.poll(T.toSeconds(), TimeUnit.SECONDS));
    }
    assertThat(held).doesNotContainNull();
    assertThat(active.get()).isEqualTo(3);
    // Then one in, one out: every release lets exactly one more start.
    for (int i = 3; i < 12; i++) {
      held.remove(0).tryEmitValue("done");
      Sinks.One<String> next = running.poll(T.toSeconds(), TimeUnit.SECONDS);
      assertThat(next).as("case %d started", i).isNotNull();
      assertThat(active.get()).isLessThanOrEqualTo(3);
      held.add(next);
    }
    held.forEach(h -> h.tryEmitValue("done"));
    EvalResult r = result.get(T.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.cases()).isEqualTo(12);
    assertThat(peak.get()).isEqualTo(3);
  }

  @Test
  void aRunComparedWithItsBaseReportsImprovementsAndRegressions(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    List<EvalCase<Integer, Integer>> cases =
        IntStream.range(0, 4).mapToObj(i -> EvalCase.of(i, i)).toList();
    Eval.<Integer, Integer>builder(client)
        .project("cmp")
        .experiment("base")
        .data(cases)
        .task(i -> Mono.just(i))
        .scorer(Scorer.of("acc", (c, out) -> 0.5))
        .quiet()
        .build()
        .run()
        .block(T);

    EvalResult next =
        Eval.<Integer, Integer>builder(client)
            .project("cmp")
            .experiment("next")
            .baseExperiment("base")
            .data(cases)
            .task(i -> Mono.just(i))
            .scorer(Scorer.of("acc", (c, out) -> c.input() < 3 ? 1.0 : 0.0))
            .quiet()
            .build()
            .run()
            .block(T);

    EvalResult.ScoreStats acc = next.scores().get("acc");
    assertThat(next.baseExperimentName()).isEqualTo("base");
    assertThat(acc.mean()).isEqualTo(0.75);
    assertThat(acc.diff()).isEqualTo(0.25);
    assertThat(acc.improvements()).isEqualTo(3);
    assertThat(acc.regressions()).isEqualTo(1);
    assertThat(next.toTable()).contains("compared with base").contains("+25.00%");
  }

  @Test
  void aMissingBaseExperimentIsAWarningAndTheRunGoesOnWithoutAComparison(
      BraintrustTestServer server) {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    EvalResult r =
        Eval.<Integer, Integer>builder(client(server))
            .project("cmp2")
            .experiment("next")
            .baseExperiment("nope")
            .data(List.of(EvalCase.of(1, 1)))
            .task(Mono::just)
            .scorer(Scorer.of("acc", (c, out) -> 1.0))
            .console(new PrintStream(console, true, StandardCharsets.UTF_8))
            .build()
            .run()
            .block(T);
    assertThat(r.baseExperimentName()).isNull();
    assertThat(r.warnings()).singleElement().asString().contains("no base experiment 'nope'");
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("Warning: no base experiment 'nope' in project 'cmp2'");
    assertThat(byType(server.experimentRows(r.experimentId()), "eval")).hasSize(1);
  }

  @Test
  void aDatasetBackedRunFetchesPagesOnlyAsCasesAreConsumed(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    String pid = server.createProject("ds");
    String did = server.createDataset(pid, "golden");
    List<Map<String, ?>> records =
        IntStream.range(0, 25)
            .<Map<String, ?>>mapToObj(i -> Map.of("id", "r" + i, "input", i, "expected", i * 2))
            .toList();
    client.rows(Destination.dataset(did)).insert(records).block(T);

    List<EvalCase<JsonNode, JsonNode>> firstThree =
        EvalData.dataset(client, "ds", "golden", 10).take(3).collectList().block(T);
    assertThat(firstThree).hasSize(3);
    // One request pins the head version, one reads the first page at it.
    assertThat(server.requests("/fetch")).hasSize(2);

    EvalResult r =
        Eval.<JsonNode, JsonNode>builder(client)
            .project("ds")
            .experiment("doubling")
            .data(EvalData.dataset(client, "ds", "golden", 10))
            .task(
                in ->
                    Mono.just(
                        (JsonNode) new com.fasterxml.jackson.databind.node.IntNode(in.asInt() * 2)))
            .scorer(Scorer.of("exact", (c, out) -> out.equals(c.expected()) ? 1.0 : 0.0))
            .maxConcurrency(2)
            .quiet()
            .build()
            .run()
            .block(T);
    assertThat(r.cases()).isEqualTo(25);
    assertThat(r.scores().get("exact").mean()).isEqualTo(1.0);
    // The pin, then three pages of 10 for the 25 rows; the server may answer a last, empty page.
    assertThat(server.requests("/fetch").size() - 2).isBetween(4, 5);
  }

  @Test
  void scoreThresholdsFailAsAssertionsForJUnit(BraintrustTestServer server) {
    EvalResult r =
        Eval.<String, String>builder(client(server))
            .project("junit")
            .experiment("t")
            .data(List.of(EvalCase.of("a", "a"), EvalCase.of("b", "c")))
            .task(Mono::just)
            .scorer(exact())
            .quiet()
            .build()
            .run()
            .block(T);

    r.assertScoreAtLeast("exact", 0.5).assertNoTaskErrors();
    assertThatThrownBy(() -> r.assertScoreAtLeast("exact", 0.9))
        .isInstanceOf(AssertionError.class)
        .hasMessage("score 'exact' averaged 0.5000 over 2 cases in t, under the threshold 0.9000");
    assertThatThrownBy(() -> r.assertScoreAtLeast("missing", 0.1))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no case produced score 'missing'");
    assertThat(r.dynamicTests(Map.of("exact", 0.9)))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getDisplayName()).isEqualTo("exact >= 0.9");
              assertThatThrownBy(() -> t.getExecutable().execute())
                  .isInstanceOf(AssertionError.class);
            });
  }

  @Test
  void anIncompleteBuilderNamesWhatIsMissing(BraintrustTestServer server) {
    assertThatThrownBy(() -> Eval.<String, String>builder(client(server)).project("p").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("an eval needs experiment, data, task, scorer or classifier");
    assertThatThrownBy(() -> new Score("s", 1.5, Map.of()))
        .hasMessage("score 's' must be between 0 and 1, got 1.5");
  }

  static List<ObjectNode> byType(List<ObjectNode> rows, String type) {
    return rows.stream()
        .filter(n -> n.path("span_attributes").path("type").asText().equals(type))
        .collect(Collectors.toList());
  }
}

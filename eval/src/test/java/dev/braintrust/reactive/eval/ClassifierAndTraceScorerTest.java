package dev.braintrust.reactive.eval;

import static dev.braintrust.reactive.eval.EvalRunTest.byType;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Classifiers beside scorers, and scorers that read the task's spans. */
@ExtendWith(BraintrustTestServerExtension.class)
class ClassifierAndTraceScorerTest {
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
  void classificationsAreGroupedByNameOnTheRowAndEachClassifierHasAScorerPurposeSpan(
      BraintrustTestServer server) {
    EvalResult r =
        Eval.<String, String>builder(client(server))
            .project("labels")
            .experiment("c1")
            .data(List.of(EvalCase.of("hello!"), EvalCase.of("bye")))
            .task(Mono::just)
            .classifier(
                Classifier.of(
                    "category",
                    (c, out) ->
                        out.startsWith("hello")
                            ? Classification.of("greeting", "Greeting")
                                .withMetadata(Map.of("source", "unit-test"))
                            : Classification.of("farewell")))
            .classifier(
                Classifier.named(
                    "tone",
                    (c, out) ->
                        Mono.just(
                            out.endsWith("!")
                                ? List.of(
                                    Classification.of("positive", "Positive").named("sentiment"),
                                    Classification.of("enthusiastic").named("sentiment"))
                                : List.of())))
            .classifier(
                Classifier.of(
                    "broken",
                    (c, out) -> {
                      throw new IllegalStateException("classifier exploded");
                    }))
            .quiet()
            .build()
            .run()
            .block(T);

    List<ObjectNode> rows = server.experimentRows(r.experimentId());
    ObjectNode hello =
        byType(rows, "eval").stream()
            .filter(n -> n.get("input").asText().equals("hello!"))
            .findFirst()
            .get();
    JsonNode cls = hello.get("classifications");
    assertThat(cls.get("category")).hasSize(1);
    assertThat(cls.at("/category/0/id").asText()).isEqualTo("greeting");
    assertThat(cls.at("/category/0/label").asText()).isEqualTo("Greeting");
    assertThat(cls.at("/category/0/metadata/source").asText()).isEqualTo("unit-test");
    assertThat(cls.at("/category/0").has("name")).isFalse();
    assertThat(cls.get("sentiment"))
        .extracting(n -> n.get("id").asText())
        .containsExactly("positive", "enthusiastic");
    assertThat(cls.at("/sentiment/1").has("label")).isFalse();
    assertThat(hello.at("/metadata/classifier_errors/broken").asText())
        .contains("classifier exploded");
    assertThat(hello.get("scores").size()).isZero();

    ObjectNode bye =
        byType(rows, "eval").stream()
            .filter(n -> n.get("input").asText().equals("bye"))
            .findFirst()
            .get();
    assertThat(bye.get("classifications").has("sentiment")).isFalse();

    List<ObjectNode> spans = byType(rows, "classifier");
    assertThat(spans).hasSize(6);
    assertThat(spans)
        .allSatisfy(n -> assertThat(n.at("/span_attributes/purpose").asText()).isEqualTo("scorer"));
    assertThat(spans)
        .filteredOn(n -> n.at("/span_attributes/name").asText().equals("broken"))
        .allSatisfy(n -> assertThat(n.get("error").asText()).contains("classifier exploded"));

    assertThat(r.classifierErrors()).isEqualTo(2);
    assertThat(r.classifications().get("category"))
        .containsEntry("greeting", 1)
        .containsEntry("farewell", 1);
    assertThat(r.classifications().get("sentiment")).containsEntry("positive", 1);
    assertThat(r.toTable())
        .contains("category: greeting 1 farewell 1")
        .contains("2 classifier errors");
  }

  @Test
  void aRowWithOnlyFailingOrEmptyClassifiersHasNoClassificationsField(BraintrustTestServer server) {
    EvalResult r =
        Eval.<String, String>builder(client(server))
            .project("labels")
            .experiment("c2")
            .data(List.of(EvalCase.of("x")))
            .task(Mono::just)
            .classifier(Classifier.of("none", (c, out) -> null))
            .quiet()
            .build()
            .run()
            .block(T);
    ObjectNode row = byType(server.experimentRows(r.experimentId()), "eval").get(0);
    assertThat(row.has("classifications")).isFalse();
  }

  @Test
  void scorersAndClassifiersOfACaseRunAtTheSameTime(BraintrustTestServer server) {
    // Each waits until the other has started: run one after the other, neither would finish.
    CountDownLatch both = new CountDownLatch(2);
    Mono<Boolean> meet =
        Mono.fromCallable(
                () -> {
                  both.countDown();
                  return both.await(T.toSeconds(), TimeUnit.SECONDS);
                })
            .subscribeOn(Schedulers.boundedElastic());
    EvalResult r =
        Eval.<String, String>builder(client(server))
            .project("labels")
            .experiment("c3")
            .data(List.of(EvalCase.of("x")))
            .task(Mono::just)
            .scorer(Scorer.async("met", (c, out) -> meet.map(ok -> ok ? 1.0 : 0.0)))
            .classifier(
                Classifier.named(
                    "met",
                    (c, out) -> meet.map(ok -> List.of(Classification.of(ok ? "met" : "alone")))))
            .quiet()
            .build()
            .run()
            .block(T);
    assertThat(r.scores().get("met").mean()).isEqualTo(1.0);
    assertThat(r.classifications().get("met")).containsOnlyKeys("met");
  }

  @Test
  void aTraceAwareScorerSeesTheSpansItsCaseTaskWroteAndNoOtherCases(BraintrustTestServer server) {
    BraintrustClient client = client(server);
    BraintrustExporter exporter =
        BraintrustExporter.builder(client).registerShutdownHook(false).build();
    closeables.add(exporter);
    Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("elsewhere"));
    EvalResult r =
        Eval.<Integer, Integer>builder(client)
            .project("traces")
            .experiment("t1")
            .data(List.of(EvalCase.of(1), EvalCase.of(2), EvalCase.of(3)))
            // Case n makes n model calls of 10 tokens each, and a tool call.
            .task(
                n ->
                    reactor.core.publisher.Flux.range(0, n)
                        .concatMap(
                            i ->
                                tracer.mono(
                                    "chat",
                                    SpanType.LLM,
                                    span -> {
                                      span.metric("tokens", 10);
                                      return Mono.just(i);
                                    }))
                        .then(tracer.mono("lookup", SpanType.TOOL, span -> Mono.just(n))))
            .scorer(
                Scorer.withTrace(
                    "calls_match_input",
                    (c, out, trace) ->
                        trace.spans(SpanType.LLM).size() == c.input()
                                && trace.metric("tokens") == 10.0 * c.input()
                                && trace.spans(SpanType.TOOL).size() == 1
                            ? 1.0
                            : 0.0))
            .maxConcurrency(3)
            .quiet()
            .build()
            .run()
            .block(T);
    assertThat(r.scores().get("calls_match_input").mean()).isEqualTo(1.0);
    assertThat(r.scores().get("calls_match_input").count()).isEqualTo(3);
    // No round trip: the scorer read the spans in memory, never the server's rows.
    assertThat(server.requests("/fetch")).isEmpty();
    assertThat(server.requests("/btql")).isEmpty();
  }
}

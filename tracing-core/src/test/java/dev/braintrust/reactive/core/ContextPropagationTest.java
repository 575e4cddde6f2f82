package dev.braintrust.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class ContextPropagationTest {
  final RecordingSink sink = new RecordingSink();
  final Tracer tracer = Tracer.create(sink, Destination.projectLogs("p"));
  final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private void assertChildOf(BraintrustEvent child, BraintrustEvent parent) {
    assertThat(child.spanParents()).containsExactly(parent.spanId());
    assertThat(child.rootSpanId()).isEqualTo(parent.rootSpanId());
  }

  @Test
  void blockingCodeNestsThroughTheThreadLocalScope() {
    Span root = tracer.startSpan("root");
    try (Scope s = root.makeCurrent()) {
      Span child = tracer.startSpan("child");
      try (Scope c = child.makeCurrent()) {
        tracer.startSpan("grandchild").end();
      }
      child.end();
    }
    root.end();

    assertThat(Tracing.currentSpan()).isNull();
    assertThat(sink.byName("root").spanParents()).isEmpty();
    assertThat(sink.byName("root").rootSpanId()).isEqualTo(root.rootSpanId()).hasSize(32);
    assertThat(sink.byName("root").spanId()).hasSize(16);
    assertChildOf(sink.byName("child"), sink.byName("root"));
    assertChildOf(sink.byName("grandchild"), sink.byName("child"));
  }

  @Test
  void monoKeepsParentageAcrossPublishOnSubscribeOnAndFlatMap() {
    Mono<Integer> work =
        tracer.mono(
            "root",
            SpanType.TASK,
            span ->
                Mono.just(1)
                    .publishOn(Schedulers.parallel())
                    .flatMap(
                        x ->
                            tracer.mono(
                                "child",
                                SpanType.LLM,
                                Mono.fromCallable(() -> x + 1)
                                    .subscribeOn(Schedulers.boundedElastic())))
                    .publishOn(Schedulers.single())
                    .flatMap(x -> tracer.mono("sibling", Mono.just(x * 10))));

    StepVerifier.create(work).expectNext(20).verifyComplete();

    assertChildOf(sink.byName("child"), sink.byName("root"));
    assertChildOf(sink.byName("sibling"), sink.byName("root"));
    assertThat(sink.byName("child").spanType()).isEqualTo("llm");
    assertThat(sink.events).hasSize(3);
  }

  @Test
  void fluxFlatMapWithConcurrencyParentsEveryInnerSpanToTheOuterOne() {
    Flux<Integer> work =
        tracer.flux(
            "root",
            SpanType.TASK,
            span ->
                Flux.range(0, 50)
                    .flatMap(
                        i ->
                            tracer.mono(
                                "item-" + i,
                                SpanType.TOOL,
                                Mono.just(i).publishOn(Schedulers.parallel())),
                        8));

    StepVerifier.create(work).expectNextCount(50).verifyComplete();

    BraintrustEvent root = sink.byName("root");
    List<BraintrustEvent> items =
        sink.events.stream()
            .filter(e -> e.spanName().startsWith("item-"))
            .collect(Collectors.toList());
    assertThat(items).hasSize(50).allSatisfy(e -> assertChildOf(e, root));
    assertThat(items.stream().map(BraintrustEvent::spanId).distinct()).hasSize(50);
  }

  @Test
  void completableFutureEndsWhenTheFutureCompletesAndWrapCarriesTheParent() {
    CompletableFuture<String> f =
        tracer.future(
            "root",
            SpanType.TASK,
            span ->
                CompletableFuture.supplyAsync(
                    () -> {
                      Span child = tracer.startSpan("async-child");
                      child.end();
                      return "done";
                    },
                    Tracing.wrap(pool)));

    assertThat(f.join()).isEqualTo("done");
    assertChildOf(sink.byName("async-child"), sink.byName("root"));
    assertThat(sink.byName("root").metrics()).containsKeys("start", "end");
  }

  @Test
  void cancelledFluxEndsItsSpanAndSaysSo() {
    StepVerifier.withVirtualTime(
            () -> tracer.flux("stream", SpanType.TASK, Flux.interval(Duration.ofSeconds(1))))
        .thenAwait(Duration.ofSeconds(3))
        .expectNext(0L, 1L, 2L)
        .thenCancel()
        .verify();

    BraintrustEvent e = sink.byName("stream");
    assertThat(e.metadata()).containsEntry("cancelled", true);
    assertThat(e.metrics()).containsKey("end");
  }

  @Test
  void errorsAreRecordedOnTheSpanAndStillPropagate() {
    StepVerifier.create(tracer.mono("fails", Mono.error(new IllegalStateException("boom"))))
        .expectErrorMessage("boom")
        .verify();

    BraintrustEvent e = sink.byName("fails");
    assertThat((String) e.error()).startsWith("java.lang.IllegalStateException: boom\n\tat ");
  }

  @Test
  void eachSubscriptionGetsItsOwnSpan() {
    Mono<Integer> m = tracer.mono("resubscribed", Mono.just(1));
    m.block();
    m.block();
    assertThat(sink.events).hasSize(2);
    assertThat(sink.events.get(0).spanId()).isNotEqualTo(sink.events.get(1).spanId());
  }

  @Test
  void logAfterEndIsSentAsAMergeOfOnlyTheNewFields() {
    Span s = tracer.startSpan("late");
    s.end();
    s.end();
    s.score("quality", 0.5);

    assertThat(sink.events).hasSize(2);
    BraintrustEvent merge = sink.events.get(1);
    assertThat(merge.isMerge()).isTrue();
    assertThat(merge.id()).isEqualTo(s.id());
    assertThat(merge.scores()).containsEntry("quality", 0.5);
    assertThat(merge.hasInput()).isFalse();
  }
}

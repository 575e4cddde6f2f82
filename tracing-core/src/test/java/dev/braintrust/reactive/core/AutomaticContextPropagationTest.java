package dev.braintrust.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The span accessor for Micrometer's context-propagation, with Reactor and without it. */
class AutomaticContextPropagationTest {
  final RecordingSink sink = new RecordingSink();
  final Tracer tracer = Tracer.create(sink, Destination.projectLogs("p"));
  final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void reset() throws InterruptedException {
    Hooks.disableAutomaticContextPropagation();
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void theAccessorIsFoundThroughTheServiceLoader() {
    assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
        .anyMatch(a -> a instanceof SpanThreadLocalAccessor && a.key() == Tracing.CONTEXT_KEY);
  }

  @Test
  void withAutomaticPropagationBlockingCodeInOperatorsSeesTheSubscribersSpan() {
    Hooks.enableAutomaticContextPropagation();
    Mono<String> work =
        tracer.mono(
            "root",
            SpanType.TASK,
            root ->
                Mono.just(1)
                    .publishOn(Schedulers.boundedElastic())
                    .map(
                        x -> {
                          // Plain blocking code: a span started here, with no Tracing.fromCallable
                          // around it.
                          tracer.startSpan("blocking", SpanType.TOOL).end();
                          Span current = Tracing.currentSpan();
                          return current == null ? "none" : current.name();
                        }));

    StepVerifier.create(work).expectNext("root").expectComplete().verify(Duration.ofSeconds(10));

    assertThat(sink.byName("blocking").spanParents()).containsExactly(sink.byName("root").spanId());
    // Nothing leaks onto the threads afterwards.
    assertThat(Tracing.currentSpan()).isNull();
  }

  @Test
  void withoutTheHookOnlyTheContextHoldsTheSpan() {
    Mono<Boolean> seen =
        tracer.mono(
            "root",
            SpanType.TASK,
            root ->
                Mono.just(1)
                    .publishOn(Schedulers.boundedElastic())
                    .map(x -> Tracing.currentSpan() != null));

    StepVerifier.create(seen).expectNext(false).expectComplete().verify(Duration.ofSeconds(10));
  }

  @Test
  void aSnapshotCarriesTheSpanToAnotherThreadWithoutReactor() throws Exception {
    ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder().build();
    Span root = tracer.startSpan("root");
    CompletableFuture<Span> seen = new CompletableFuture<>();
    try (Scope ignored = root.makeCurrent()) {
      Runnable task = () -> seen.complete(Tracing.currentSpan());
      pool.execute(snapshots.captureAll().wrap(task));
    }
    CompletableFuture<Span> after = new CompletableFuture<>();
    pool.execute(() -> after.complete(Tracing.currentSpan()));

    assertThat(seen.get(10, TimeUnit.SECONDS)).isSameAs(root);
    assertThat(after.get(10, TimeUnit.SECONDS)).isNull();
  }
}

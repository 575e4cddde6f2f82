package dev.braintrust.reactive.eval;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Scores one case's output: one or several named {@link Score}s. Each scorer runs in its own {@code
 * score} span ({@code purpose: scorer}, so a judge's tokens are not counted as the task's cost);
 * one that fails or throws is recorded on its span and counted, and the case's other scores still
 * count. A scorer may also read the spans the task produced: see {@link #withTrace}.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@FunctionalInterface
public interface Scorer<I, O> {

  /** The scores for {@code output}, which is null when the task produced nothing. */
  Mono<List<Score>> score(EvalCase<I, O> evalCase, @Nullable O output);

  /**
   * The scores for {@code output} given the spans the task produced ({@code trace}); the runner
   * calls this one. By default the trace is ignored; {@link #withTrace} makes a scorer that reads
   * it.
   */
  default Mono<List<Score>> score(EvalCase<I, O> evalCase, @Nullable O output, TaskTrace trace) {
    return score(evalCase, output);
  }

  /** The span name; defaults to the class name. */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * A scorer computing one score inline. It runs on the thread that produced the output, so it must
   * not block; use {@link #async} for scorers that call a model.
   */
  static <I, O> Scorer<I, O> of(
      String name, BiFunction<EvalCase<I, O>, @Nullable O, @Nullable Double> fn) {
    Objects.requireNonNull(fn, "fn");
    return named(name, (c, o) -> Mono.fromCallable(() -> List.of(Score.of(name, fn.apply(c, o)))));
  }

  /** A scorer whose one score arrives later, e.g. from an LLM judge. */
  static <I, O> Scorer<I, O> async(
      String name, BiFunction<EvalCase<I, O>, @Nullable O, Mono<Double>> fn) {
    Objects.requireNonNull(fn, "fn");
    return named(
        name,
        (c, o) ->
            Mono.defer(() -> fn.apply(c, o))
                .map(v -> List.of(Score.of(name, v)))
                .defaultIfEmpty(List.of(Score.of(name, null))));
  }

  /**
   * A trace-aware scorer computing one score inline from the case, the output and the spans the
   * task produced (e.g. how many model calls it made, or its tokens). It must not block.
   */
  static <I, O> Scorer<I, O> withTrace(String name, TraceScoreFunction<I, O> fn) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(fn, "fn");
    return new Scorer<>() {
      @Override
      public Mono<List<Score>> score(EvalCase<I, O> evalCase, @Nullable O output) {
        return score(evalCase, output, TaskTrace.empty());
      }

      @Override
      public Mono<List<Score>> score(EvalCase<I, O> evalCase, @Nullable O output, TaskTrace trace) {
        return Mono.fromCallable(() -> List.of(Score.of(name, fn.score(evalCase, output, trace))));
      }

      @Override
      public String name() {
        return name;
      }
    };
  }

  /**
   * A score from the case, the output and the task's spans; null for "not applicable".
   *
   * @param <I> the input type
   * @param <O> the output type
   */
  @FunctionalInterface
  interface TraceScoreFunction<I, O> {
    /** The score, or null. */
    @Nullable Double score(EvalCase<I, O> evalCase, @Nullable O output, TaskTrace trace);
  }

  /** {@code scorer} under a span name. */
  static <I, O> Scorer<I, O> named(String name, Scorer<I, O> scorer) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scorer, "scorer");
    return new Scorer<>() {
      @Override
      public Mono<List<Score>> score(EvalCase<I, O> evalCase, @Nullable O output) {
        return scorer.score(evalCase, output);
      }

      @Override
      public Mono<List<Score>> score(EvalCase<I, O> evalCase, @Nullable O output, TaskTrace trace) {
        return scorer.score(evalCase, output, trace);
      }

      @Override
      public String name() {
        return name;
      }
    };
  }
}

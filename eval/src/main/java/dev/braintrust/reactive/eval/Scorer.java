package dev.braintrust.reactive.eval;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Scores one case's output: one or several named {@link Score}s. Each scorer runs in its own {@code
 * score} span; one that fails or throws is recorded on its span and counted, and the case's other
 * scores still count.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@FunctionalInterface
public interface Scorer<I, O> {

  /** The scores for {@code output}, which is null when the task produced nothing. */
  Mono<List<Score>> score(EvalCase<I, O> evalCase, @Nullable O output);

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
      public String name() {
        return name;
      }
    };
  }
}

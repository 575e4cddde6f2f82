package dev.braintrust.reactive.eval;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Labels one case's output (labels, not numbers), beside the {@link Scorer}s: each classifier runs
 * in its own span ({@code type: classifier, purpose: scorer}) in parallel with the scorers, and its
 * {@link Classification}s are written on the case's row under {@code classifications}, grouped by
 * name. A classifier that fails is recorded under {@code metadata.classifier_errors} and counted;
 * the case's scores and other classifiers still count.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@FunctionalInterface
public interface Classifier<I, O> {

  /** The labels for {@code output} (null when the task produced nothing); empty for none. */
  Mono<List<Classification>> classify(EvalCase<I, O> evalCase, @Nullable O output);

  /** The span name, and the key of classifications that name none; defaults to the class name. */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * A classifier giving at most one label inline (null for none). It runs on the thread that
   * produced the output, so it must not block.
   */
  static <I, O> Classifier<I, O> of(
      String name, BiFunction<EvalCase<I, O>, @Nullable O, @Nullable Classification> fn) {
    Objects.requireNonNull(fn, "fn");
    return named(
        name,
        (c, o) ->
            Mono.fromCallable(
                () -> {
                  Classification one = fn.apply(c, o);
                  return one == null ? List.<Classification>of() : List.of(one);
                }));
  }

  /** {@code classifier} under a span name. */
  static <I, O> Classifier<I, O> named(String name, Classifier<I, O> classifier) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(classifier, "classifier");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a classifier needs a non-blank name");
    }
    return new Classifier<>() {
      @Override
      public Mono<List<Classification>> classify(EvalCase<I, O> evalCase, @Nullable O output) {
        return classifier.classify(evalCase, output);
      }

      @Override
      public String name() {
        return name;
      }
    };
  }
}

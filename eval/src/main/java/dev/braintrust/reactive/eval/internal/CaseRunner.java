package dev.braintrust.reactive.eval.internal;

import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.eval.EvalCase;
import dev.braintrust.reactive.eval.Score;
import dev.braintrust.reactive.eval.Scorer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Runs one case as a span tree: an {@code eval} root holding input, expected, output and scores,
 * with a {@code task} child (so spans the task opens nest under it) and one {@code score} child per
 * scorer. Failures are recorded on their spans and in the outcome; the returned Mono never errors.
 */
public final class CaseRunner<I, O> {
  private final Tracer tracer;
  private final Function<? super I, ? extends Mono<? extends O>> task;
  private final List<Scorer<I, O>> scorers;
  private final @Nullable Duration timeout;
  private final Scheduler timer;
  private final List<String> tags;

  /** A runner writing through {@code tracer}. */
  public CaseRunner(
      Tracer tracer,
      Function<? super I, ? extends Mono<? extends O>> task,
      List<Scorer<I, O>> scorers,
      @Nullable Duration timeout,
      Scheduler timer,
      List<String> tags) {
    this.tracer = tracer;
    this.task = task;
    this.scorers = List.copyOf(scorers);
    this.timeout = timeout;
    this.timer = timer;
    this.tags = List.copyOf(tags);
  }

  /** Runs trial {@code trial} (0-based) of {@code c}; {@code trials} is how many there are. */
  public Mono<CaseOutcome> run(EvalCase<I, O> c, int trial, int trials) {
    return tracer.mono("eval", SpanType.EVAL, root -> runUnder(root, c, trial, trials));
  }

  private Mono<CaseOutcome> runUnder(Span root, EvalCase<I, O> c, int trial, int trials) {
    Map<String, Object> metadata = new LinkedHashMap<>(c.metadata());
    if (trials > 1) {
      metadata.put("trial", trial);
    }
    List<String> rowTags = new ArrayList<>(c.tags());
    rowTags.addAll(tags);
    root.log(
        Log.builder()
            .input(c.input())
            .expected(c.expected())
            .metadata(metadata)
            .tags(rowTags)
            .build());
    Mono<Optional<O>> output =
        tracer
            .mono(
                "task",
                SpanType.TASK,
                span -> {
                  span.input(c.input());
                  return limited(Mono.defer(() -> task.apply(c.input())))
                      .<O>map(o -> o)
                      .doOnNext(span::output);
                })
            .map(Optional::of)
            .defaultIfEmpty(Optional.empty());
    return output
        .flatMap(o -> score(root, c, o.orElse(null)))
        .onErrorResume(
            e -> {
              root.error(e);
              boolean timedOut = e instanceof TimeoutException;
              return Mono.just(new CaseOutcome(Map.of(), true, timedOut, 0));
            });
  }

  private Mono<? extends O> limited(Mono<? extends O> call) {
    if (timeout == null) {
      return call;
    }
    Duration t = timeout;
    return call.timeout(
        t, Mono.error(() -> new TimeoutException("the task took longer than " + t)), timer);
  }

  private Mono<CaseOutcome> score(Span root, EvalCase<I, O> c, @Nullable O output) {
    root.output(output);
    return Flux.fromIterable(scorers)
        .concatMap(s -> scoreOne(s, c, output))
        .collectList()
        .map(
            results -> {
              Map<String, Double> scores = new HashMap<>();
              int errors = 0;
              for (Optional<List<Score>> r : results) {
                if (r.isEmpty()) {
                  errors++;
                  continue;
                }
                for (Score s : r.get()) {
                  scores.put(s.name(), s.value());
                }
              }
              root.log(Log.builder().scores(scores).build());
              return new CaseOutcome(scores, false, false, errors);
            });
  }

  private Mono<Optional<List<Score>>> scoreOne(
      Scorer<I, O> scorer, EvalCase<I, O> c, @Nullable O output) {
    return tracer
        .mono(
            scorer.name(),
            SpanType.SCORE,
            span -> {
              Map<String, @Nullable Object> in = new LinkedHashMap<>();
              in.put("input", c.input());
              in.put("output", output);
              in.put("expected", c.expected());
              span.input(in);
              return Mono.defer(() -> scorer.score(c, output))
                  .defaultIfEmpty(List.of())
                  .doOnNext(scores -> span.output(asMap(scores)));
            })
        .map(Optional::of)
        .onErrorResume(e -> Mono.just(Optional.empty()));
  }

  private static Map<String, Object> asMap(List<Score> scores) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Score s : scores) {
      out.put(s.name(), s.value());
      if (!s.metadata().isEmpty()) {
        out.put(s.name() + "_metadata", s.metadata());
      }
    }
    return out;
  }
}

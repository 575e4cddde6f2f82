package dev.braintrust.reactive.eval.internal;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracing;
import dev.braintrust.reactive.eval.Classification;
import dev.braintrust.reactive.eval.Classifier;
import dev.braintrust.reactive.eval.EvalCase;
import dev.braintrust.reactive.eval.Score;
import dev.braintrust.reactive.eval.Scorer;
import dev.braintrust.reactive.eval.TaskTrace;
import java.time.Duration;
import java.util.ArrayList;
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
 * Runs one case as the span tree of the spec's {@code eval-spans.md}: an {@code eval} root holding
 * input, expected, output, scores, classifications and origin; a {@code task} child (spans the task
 * opens through any tracer nest under it); and one child per scorer ({@code type: score}) and per
 * classifier ({@code type: classifier}), both with {@code purpose: scorer}, run in parallel once
 * the task is done. The case's rows are written together when it is done. Failures are recorded on
 * their spans and in the outcome; the returned Mono never errors.
 */
public final class CaseRunner<I, O> {
  private final Destination destination;
  private final Function<List<Map<String, Object>>, Mono<Void>> writer;
  private final Function<? super I, ? extends Mono<? extends O>> task;
  private final List<Scorer<I, O>> scorers;
  private final List<Classifier<I, O>> classifiers;
  private final @Nullable Duration timeout;
  private final Scheduler timer;
  private final List<String> tags;
  private final SpanLedger ledger;

  /** A runner handing each case's rows to {@code writer} (which never errors). */
  public CaseRunner(
      Destination destination,
      Function<List<Map<String, Object>>, Mono<Void>> writer,
      Function<? super I, ? extends Mono<? extends O>> task,
      List<Scorer<I, O>> scorers,
      List<Classifier<I, O>> classifiers,
      @Nullable Duration timeout,
      Scheduler timer,
      List<String> tags,
      SpanLedger ledger) {
    this.destination = destination;
    this.writer = writer;
    this.task = task;
    this.scorers = List.copyOf(scorers);
    this.classifiers = List.copyOf(classifiers);
    this.timeout = timeout;
    this.timer = timer;
    this.tags = List.copyOf(tags);
    this.ledger = ledger;
  }

  /** What one scorer or classifier produced: its row, and its results or failure. */
  private record Part(
      Map<String, Object> row,
      @Nullable List<Score> scores,
      @Nullable String classifier,
      @Nullable List<Classification> labels,
      @Nullable String failure) {}

  /** Runs trial {@code trial} (0-based) of {@code c}; {@code trials} is how many there are. */
  public Mono<CaseOutcome> run(EvalCase<I, O> c, int trial, int trials) {
    return Mono.defer(() -> runCase(c, trial, trials));
  }

  private Mono<CaseOutcome> runCase(EvalCase<I, O> c, int trial, int trials) {
    double start = CaseRows.now();
    String traceId = CaseRows.traceId();
    String evalSpan = CaseRows.spanId();
    String taskSpan = CaseRows.spanId();
    TaskSpanRef ref = new TaskSpanRef(traceId, taskSpan, destination, ledger);
    return limited(Mono.defer(() -> task.apply(c.input())))
        .<O>map(o -> o)
        .contextWrite(ctx -> Tracing.withSpan(ctx, ref))
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            out -> {
              Map<String, Object> taskRow =
                  taskRow(c, traceId, taskSpan, evalSpan, start, out.orElse(null), null);
              TaskTrace trace = ref.trace();
              return scoreAll(c, out.orElse(null), trace, traceId, evalSpan)
                  .map(
                      parts ->
                          finish(
                              c,
                              trial,
                              trials,
                              traceId,
                              evalSpan,
                              start,
                              out.orElse(null),
                              null,
                              taskRow,
                              parts));
            })
        .onErrorResume(
            e -> {
              Map<String, Object> taskRow = taskRow(c, traceId, taskSpan, evalSpan, start, null, e);
              return Mono.just(
                  finish(c, trial, trials, traceId, evalSpan, start, null, e, taskRow, List.of()));
            })
        .flatMap(w -> writer.apply(w.rows).thenReturn(w.outcome));
  }

  private record Written(List<Map<String, Object>> rows, CaseOutcome outcome) {}

  private Mono<? extends O> limited(Mono<? extends O> call) {
    if (timeout == null) {
      return call;
    }
    Duration t = timeout;
    return call.timeout(
        t, Mono.error(() -> new TimeoutException("the task took longer than " + t)), timer);
  }

  private Map<String, Object> taskRow(
      EvalCase<I, O> c,
      String traceId,
      String taskSpan,
      String evalSpan,
      double start,
      @Nullable O output,
      @Nullable Throwable error) {
    Map<String, Object> row =
        CaseRows.span(traceId, taskSpan, evalSpan, "task", "task", Map.of(), start);
    row.put("input", c.input());
    row.put("expected", c.expected());
    if (error == null) {
      row.put("output", output);
    } else {
      row.put("error", CaseRows.describe(error));
    }
    return row;
  }

  private Mono<List<Part>> scoreAll(
      EvalCase<I, O> c, @Nullable O output, TaskTrace trace, String traceId, String evalSpan) {
    List<Mono<Part>> runs = new ArrayList<>();
    for (Scorer<I, O> s : scorers) {
      runs.add(scoreOne(s, c, output, trace, traceId, evalSpan));
    }
    for (Classifier<I, O> k : classifiers) {
      runs.add(classifyOne(k, c, output, traceId, evalSpan));
    }
    // All at once, as the spec asks; results kept in declaration order for stable rows.
    return Flux.mergeSequential(runs).collectList();
  }

  private Mono<Part> scoreOne(
      Scorer<I, O> scorer,
      EvalCase<I, O> c,
      @Nullable O output,
      TaskTrace trace,
      String traceId,
      String evalSpan) {
    double start = CaseRows.now();
    String name = scorer.name();
    return Mono.defer(() -> scorer.score(c, output, trace))
        .defaultIfEmpty(List.of())
        .map(
            scores -> {
              Map<String, Object> attrs = new LinkedHashMap<>();
              attrs.put("purpose", "scorer");
              Map<String, @Nullable Object> out = new LinkedHashMap<>();
              for (Score s : scores) {
                attrs.put(s.name(), s.value());
                out.put(s.name(), s.value());
                if (!s.metadata().isEmpty()) {
                  out.put(s.name() + "_metadata", s.metadata());
                }
              }
              Map<String, Object> row =
                  CaseRows.span(traceId, CaseRows.spanId(), evalSpan, name, "score", attrs, start);
              row.put("input", CaseRows.scorerInput(c.input(), output, c.expected(), c.metadata()));
              row.put("output", out);
              return new Part(row, scores, null, null, null);
            })
        .onErrorResume(
            e -> {
              Map<String, Object> row =
                  CaseRows.span(
                      traceId,
                      CaseRows.spanId(),
                      evalSpan,
                      name,
                      "score",
                      Map.of("purpose", "scorer"),
                      start);
              row.put("input", CaseRows.scorerInput(c.input(), output, c.expected(), c.metadata()));
              row.put("error", CaseRows.describe(e));
              return Mono.just(new Part(row, null, null, null, CaseRows.describe(e)));
            });
  }

  private Mono<Part> classifyOne(
      Classifier<I, O> classifier,
      EvalCase<I, O> c,
      @Nullable O output,
      String traceId,
      String evalSpan) {
    double start = CaseRows.now();
    String name = classifier.name();
    Map<String, Object> attrs = Map.of("purpose", "scorer");
    return Mono.defer(() -> classifier.classify(c, output))
        .defaultIfEmpty(List.of())
        .map(
            labels -> {
              for (Classification l : labels) {
                if (l == null) {
                  throw new IllegalArgumentException(
                      "When returning structured classifier results, each classification must be"
                          + " a non-empty object. Got: null");
                }
              }
              Map<String, Object> row =
                  CaseRows.span(
                      traceId, CaseRows.spanId(), evalSpan, name, "classifier", attrs, start);
              row.put("input", CaseRows.scorerInput(c.input(), output, c.expected(), c.metadata()));
              row.put("output", Classifications.group(name, labels));
              return new Part(row, null, name, labels, null);
            })
        .onErrorResume(
            e -> {
              Map<String, Object> row =
                  CaseRows.span(
                      traceId, CaseRows.spanId(), evalSpan, name, "classifier", attrs, start);
              row.put("input", CaseRows.scorerInput(c.input(), output, c.expected(), c.metadata()));
              row.put("error", CaseRows.describe(e));
              return Mono.just(new Part(row, null, name, null, CaseRows.describe(e)));
            });
  }

  private Written finish(
      EvalCase<I, O> c,
      int trial,
      int trials,
      String traceId,
      String evalSpan,
      double start,
      @Nullable O output,
      @Nullable Throwable taskError,
      Map<String, Object> taskRow,
      List<Part> parts) {
    Map<String, Object> metadata = new LinkedHashMap<>(c.metadata());
    if (trials > 1) {
      metadata.put("trial", trial);
    }
    Map<String, @Nullable Double> scores = new LinkedHashMap<>();
    Map<String, String> scorerErrors = new LinkedHashMap<>();
    Map<String, String> classifierErrors = new LinkedHashMap<>();
    Classifications classifications = new Classifications();
    for (Part p : parts) {
      String spanName = (String) ((Map<?, ?>) p.row.get("span_attributes")).get("name");
      if (p.failure != null) {
        (p.classifier != null ? classifierErrors : scorerErrors).put(spanName, p.failure);
      } else if (p.scores != null) {
        p.scores.forEach(s -> scores.put(s.name(), s.value()));
      } else if (p.labels != null) {
        classifications.add(spanName, p.labels);
      }
    }
    if (!scorerErrors.isEmpty()) {
      metadata.put("scorer_errors", scorerErrors);
    }
    if (!classifierErrors.isEmpty()) {
      metadata.put("classifier_errors", classifierErrors);
    }
    List<String> rowTags = new ArrayList<>(c.tags());
    for (String t : tags) {
      if (!rowTags.contains(t)) {
        rowTags.add(t);
      }
    }
    Map<String, Object> root =
        CaseRows.span(traceId, evalSpan, null, "eval", "eval", Map.of(), start);
    root.put("input", c.input());
    root.put("expected", c.expected());
    if (taskError == null) {
      root.put("output", output);
    } else {
      root.put("error", CaseRows.describe(taskError));
    }
    root.put("scores", scores);
    if (!classifications.isEmpty()) {
      root.put("classifications", classifications.toRow());
    }
    if (!metadata.isEmpty()) {
      root.put("metadata", metadata);
    }
    if (!rowTags.isEmpty()) {
      root.put("tags", rowTags);
    }
    if (c.origin() != null) {
      root.put("origin", c.origin().toMap());
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    rows.add(root);
    rows.add(taskRow);
    parts.forEach(p -> rows.add(p.row));
    Map<String, Double> outcomeScores = new LinkedHashMap<>();
    scores.forEach(outcomeScores::put);
    CaseOutcome outcome =
        new CaseOutcome(
            outcomeScores,
            classifications.ids(),
            taskError != null,
            taskError instanceof TimeoutException,
            scorerErrors.size(),
            classifierErrors.size(),
            evalSpan,
            output,
            c.origin());
    return new Written(rows, outcome);
  }
}

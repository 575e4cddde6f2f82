package dev.braintrust.reactive.eval;

import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.eval.internal.CaseOutcome;
import dev.braintrust.reactive.eval.internal.CaseRunner;
import dev.braintrust.reactive.eval.internal.Progress;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.ListQuery;
import dev.braintrust.reactive.transport.model.Experiment;
import dev.braintrust.reactive.transport.model.ExperimentSummary;
import dev.braintrust.reactive.transport.model.Project;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a task over cases, scores each output and writes every case run into a new experiment, as
 * the official SDKs' {@code Eval} does, reactively: at most {@code maxConcurrency} runs at once,
 * cases read only as fast as they run, nothing blocking an event loop.
 *
 * <pre>{@code
 * EvalResult r = Eval.<String, String>builder(client)
 *     .project("greeter").experiment("v2")
 *     .data(List.of(EvalCase.of("Ann", "Hi Ann"), EvalCase.of("Bo", "Hi Bo")))
 *     .task(name -> Mono.just("Hi " + name))
 *     .scorer(Scorer.of("exact", (c, out) -> out.equals(c.expected()) ? 1.0 : 0.0))
 *     .build()
 *     .run()
 *     .block();
 * }</pre>
 *
 * <p>Each case run is an {@code eval} root span with a {@code task} child and a {@code score} child
 * per scorer, written through a {@link BraintrustExporter}. A task or scorer that fails or times
 * out is recorded on its span and counted in the {@link EvalResult}; it never ends the run.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class Eval<I, O> {
  private final BraintrustClient client;
  private final String project;
  private final String experiment;
  private final Flux<EvalCase<I, O>> data;
  private final long total;
  private final int trials;
  private final int maxConcurrency;
  private final @Nullable String baseExperiment;
  private final Map<String, Object> metadata;
  private final @Nullable BraintrustExporter exporter;
  private final @Nullable PrintStream console;
  private final EvalBuilder<I, O> config;

  Eval(EvalBuilder<I, O> b) {
    this.client = b.client;
    this.project = b.project;
    this.experiment = b.experiment;
    this.data = b.data;
    this.total = b.total * b.trials;
    this.trials = b.trials;
    this.maxConcurrency = b.maxConcurrency;
    this.baseExperiment = b.baseExperiment;
    this.metadata = Map.copyOf(b.metadata);
    this.exporter = b.exporter;
    this.console = b.console;
    this.config = b;
  }

  /** A builder of evals on {@code client}. */
  public static <I, O> EvalBuilder<I, O> builder(BraintrustClient client) {
    return new EvalBuilder<>(client);
  }

  /**
   * Runs the eval on subscription: creates the experiment, runs every case, waits for its rows to
   * be delivered and completes with the summary (printed to the console unless {@code quiet}).
   * Fails when the experiment cannot be created, the base experiment does not exist or rows could
   * not be delivered; failures of tasks and scorers are counted instead.
   */
  public Mono<EvalResult> run() {
    return Mono.defer(
        () -> {
          long start = System.nanoTime();
          return client
              .projects()
              .create(Map.of("name", project))
              .flatMap(
                  p ->
                      baseExperiment(p)
                          .map(Optional::of)
                          .defaultIfEmpty(Optional.empty())
                          .flatMap(
                              base ->
                                  createExperiment(p, base.orElse(null))
                                      .flatMap(exp -> runCases(exp, base.orElse(null), start))));
        });
  }

  private Mono<Experiment> baseExperiment(Project p) {
    if (baseExperiment == null) {
      return Mono.empty();
    }
    return client
        .experiments()
        .list(ListQuery.all().projectId(p.id()).name(baseExperiment))
        .next()
        .switchIfEmpty(
            Mono.error(
                () ->
                    new BraintrustException(
                        "no base experiment '"
                            + baseExperiment
                            + "' in project '"
                            + project
                            + "'")));
  }

  private Mono<Experiment> createExperiment(Project p, @Nullable Experiment base) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("project_id", p.id());
    body.put("name", experiment);
    if (!metadata.isEmpty()) {
      body.put("metadata", metadata);
    }
    if (base != null) {
      body.put("base_exp_id", base.id());
    }
    return client.experiments().create(body);
  }

  private Mono<EvalResult> runCases(Experiment exp, @Nullable Experiment base, long start) {
    BraintrustExporter out =
        exporter != null
            ? exporter
            : BraintrustExporter.builder(client.ingestTransport())
                .registerShutdownHook(false)
                .build();
    CaseRunner<I, O> runner =
        new CaseRunner<>(
            // The eval's task and score spans name this module in context.span_origin.
            Tracer.create(out, Destination.experiment(exp.id())).withInstrumentation("eval"),
            config.task,
            config.scorers,
            config.timeout,
            config.timer,
            config.tags);
    Progress progress =
        new Progress(console, "Eval " + exp.name(), total, System.console() != null);
    Tally tally = new Tally();
    Mono<Void> delivered = Mono.defer(() -> exporter != null ? out.flush() : flushAndClose(out));
    return data.flatMapIterable(
            c -> IntStream.range(0, trials).mapToObj(t -> new Run<>(c, t)).toList(), 1)
        .flatMap(r -> runner.run(r.evalCase(), r.trial(), trials), maxConcurrency)
        // One worker takes the outcomes: the tally needs no lock and printing never runs on an
        // event loop.
        .publishOn(Schedulers.boundedElastic())
        .doOnNext(
            o -> {
              tally.add(o);
              progress.step();
            })
        .then(Mono.fromRunnable(progress::finish))
        .then(delivered)
        .then(
            Mono.defer(() -> client.summarize(exp.id(), base == null ? null : base.id()))
                .map(Optional::of)
                .onErrorResume(e -> Mono.just(Optional.empty())))
        .map(summary -> result(exp, base, tally, summary.orElse(null), start))
        .doOnNext(
            r -> {
              if (console != null) {
                console.print(r.toTable());
              }
            });
  }

  private static Mono<Void> flushAndClose(BraintrustExporter out) {
    return out.flush()
        .materialize()
        .flatMap(
            signal ->
                out.shutdown(BraintrustExporter.DEFAULT_SHUTDOWN_TIMEOUT)
                    .then(signal.hasError() ? Mono.error(signal.getThrowable()) : Mono.empty()));
  }

  private EvalResult result(
      Experiment exp,
      @Nullable Experiment base,
      Tally tally,
      @Nullable ExperimentSummary summary,
      long start) {
    Map<String, EvalResult.ScoreStats> scores = new LinkedHashMap<>();
    tally.sums.forEach(
        (name, sum) -> {
          int n = tally.counts.get(name);
          ExperimentSummary.ScoreSummary s =
              summary == null || summary.scores() == null || base == null
                  ? null
                  : summary.scores().get(name);
          scores.put(
              name,
              new EvalResult.ScoreStats(
                  name,
                  n == 0 ? 0 : sum / n,
                  n,
                  s == null ? null : s.diff(),
                  s == null ? null : s.improvements(),
                  s == null ? null : s.regressions()));
        });
    return new EvalResult(
        project,
        exp.name(),
        exp.id(),
        summary == null ? null : summary.experimentUrl(),
        base == null ? null : base.name(),
        scores,
        tally.runs,
        tally.taskErrors,
        tally.timeouts,
        tally.scorerErrors,
        Duration.ofNanos(System.nanoTime() - start));
  }

  private record Run<I, O>(EvalCase<I, O> evalCase, int trial) {}

  /** Totals of the outcomes; touched by one worker at a time. */
  private static final class Tally {
    final Map<String, Double> sums = new LinkedHashMap<>();
    final Map<String, Integer> counts = new LinkedHashMap<>();
    int runs;
    int taskErrors;
    int timeouts;
    int scorerErrors;

    void add(CaseOutcome o) {
      runs++;
      if (o.taskFailed()) {
        taskErrors++;
      }
      if (o.timedOut()) {
        timeouts++;
      }
      scorerErrors += o.scorerErrors();
      List<String> names = new ArrayList<>(o.scores().keySet());
      names.sort(null);
      for (String name : names) {
        Double v = o.scores().get(name);
        counts.putIfAbsent(name, 0);
        sums.putIfAbsent(name, 0.0);
        if (v != null) {
          sums.merge(name, v, Double::sum);
          counts.merge(name, 1, Integer::sum);
        }
      }
    }
  }
}

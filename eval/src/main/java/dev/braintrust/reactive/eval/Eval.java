package dev.braintrust.reactive.eval;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.eval.internal.CaseOutcome;
import dev.braintrust.reactive.eval.internal.CaseRunner;
import dev.braintrust.reactive.eval.internal.Progress;
import dev.braintrust.reactive.eval.internal.RowBatches;
import dev.braintrust.reactive.eval.internal.SpanLedger;
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
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a task over cases, scores (and classifies) each output and writes every case run into a new
 * experiment, as the official SDKs' {@code Eval} does, reactively: at most {@code maxConcurrency}
 * runs at once, cases read only as fast as they run, nothing blocking an event loop.
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
 * <p>Each case run is an {@code eval} root span with a {@code task} child and a child per scorer
 * and classifier, in the shapes of the spec's {@code eval-spans.md}. A task, scorer or classifier
 * that fails or times out is recorded on its span and counted in the {@link EvalResult}; it never
 * ends the run.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class Eval<I, O> {
  private static final LibraryLog LOG = LibraryLog.get(Eval.class);
  // Rows per insert request: a few dozen cases' span trees.
  private static final int ROWS_PER_INSERT = 200;

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
  private final @Nullable Consumer<CaseOutcome> onCase;
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
    this.onCase = b.onCase;
    this.config = b;
  }

  /** A builder of evals on {@code client}. */
  public static <I, O> EvalBuilder<I, O> builder(BraintrustClient client) {
    return new EvalBuilder<>(client);
  }

  /**
   * Starts a {@link DevServer} offering these evaluators to the Braintrust Playground on
   * localhost:8300 (the official SDKs' port), with the API and app URLs of the environment. Blocks
   * until it listens; {@link DevServer#builder()} for other settings.
   */
  public static DevServer serve(RemoteEval... evaluators) {
    DevServerBuilder b = DevServer.builder();
    for (RemoteEval e : evaluators) {
      b.evaluator(e);
    }
    return b.start();
  }

  /**
   * Runs the eval on subscription: creates the experiment (registering the dataset and its pinned
   * version when the cases come from {@link EvalData#dataset}), runs every case, waits until its
   * rows and the spans its task wrote through tracers are delivered, and completes with the summary
   * (printed to the console unless {@code quiet}). A base experiment that does not exist is a
   * warning, not a failure. Fails when the project or experiment cannot be created or the cases
   * cannot be read; failures of tasks, scorers and classifiers are counted, and what could not be
   * delivered is listed in {@link EvalResult#undelivered()}.
   */
  public Mono<EvalResult> run() {
    return Mono.defer(
        () -> {
          long start = System.nanoTime();
          List<String> warnings = new ArrayList<>();
          return client
              .projects()
              .create(Map.of("name", project))
              .flatMap(
                  p ->
                      baseExperiment(p, warnings)
                          .flatMap(
                              base ->
                                  data.switchOnFirst(
                                          (first, cases) -> {
                                            if (first.isOnError()) {
                                              return Flux.error(first.getThrowable());
                                            }
                                            RowOrigin origin =
                                                first.hasValue() ? first.get().origin() : null;
                                            return createExperiment(p, base.orElse(null), origin)
                                                .flatMap(
                                                    exp ->
                                                        runCases(
                                                            exp,
                                                            base.orElse(null),
                                                            cases,
                                                            warnings,
                                                            start))
                                                .flux();
                                          })
                                      .single()));
        });
  }

  private Mono<Optional<Experiment>> baseExperiment(Project p, List<String> warnings) {
    if (baseExperiment == null) {
      return Mono.just(Optional.empty());
    }
    return client
        .experiments()
        .list(ListQuery.all().projectId(p.id()).name(baseExperiment))
        .next()
        .map(Optional::of)
        .switchIfEmpty(
            Mono.fromSupplier(
                () -> {
                  String w =
                      "no base experiment '"
                          + baseExperiment
                          + "' in project '"
                          + project
                          + "': comparing with nothing";
                  warnings.add(w);
                  LOG.warn("{}", w);
                  if (console != null) {
                    console.println("Warning: " + w);
                  }
                  return Optional.empty();
                }));
  }

  private Mono<Experiment> createExperiment(
      Project p, @Nullable Experiment base, @Nullable RowOrigin origin) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("project_id", p.id());
    body.put("name", experiment);
    if (!metadata.isEmpty()) {
      body.put("metadata", metadata);
    }
    if (base != null) {
      body.put("base_exp_id", base.id());
    }
    if (origin != null && "dataset".equals(origin.objectType())) {
      // The resolved version, not the selector: a run stays reproducible after tags move.
      body.put("dataset_id", origin.objectId());
      if (origin.datasetVersion() != null) {
        body.put("dataset_version", origin.datasetVersion());
      }
    }
    return client.experiments().create(body);
  }

  private Mono<EvalResult> runCases(
      Experiment exp,
      @Nullable Experiment base,
      Flux<EvalCase<I, O>> cases,
      List<String> warnings,
      long start) {
    Destination dest = Destination.experiment(exp.id());
    SpanLedger ledger = new SpanLedger();
    RowBatches batches =
        new RowBatches(rows -> client.rows(dest).insert(rows).then(), ROWS_PER_INSERT);
    CaseRunner<I, O> runner =
        new CaseRunner<>(
            dest,
            batches::add,
            config.task,
            config.scorers,
            config.classifiers,
            config.timeout,
            config.timer,
            config.tags,
            ledger);
    Progress progress =
        new Progress(console, "Eval " + exp.name(), total, System.console() != null);
    Tally tally = new Tally();
    return cases
        .flatMapIterable(c -> IntStream.range(0, trials).mapToObj(t -> new Run<>(c, t)).toList(), 1)
        .flatMap(r -> runner.run(r.evalCase(), r.trial(), trials), maxConcurrency)
        // One worker takes the outcomes: the tally needs no lock and printing never runs on an
        // event loop.
        .publishOn(Schedulers.boundedElastic())
        .doOnNext(
            o -> {
              tally.add(o);
              progress.step();
              if (onCase != null) {
                onCase.accept(o);
              }
            })
        .then(Mono.fromRunnable(progress::finish))
        .then(batches.flush())
        .then(Mono.defer(() -> ledger.deliver(exporter, config.deliveryTimeout)))
        .flatMap(
            spansUndelivered ->
                Mono.defer(() -> client.summarize(exp.id(), base == null ? null : base.id()))
                    .map(Optional::of)
                    .onErrorResume(e -> Mono.just(Optional.empty()))
                    .map(
                        summary -> {
                          List<String> undelivered = new ArrayList<>();
                          String rows = batches.undelivered();
                          if (rows != null) {
                            undelivered.add(rows);
                          }
                          undelivered.addAll(spansUndelivered);
                          return result(
                              exp, base, tally, summary.orElse(null), warnings, undelivered, start);
                        }))
        .doOnNext(
            r -> {
              if (console != null) {
                console.print(r.toTable());
                r.undelivered().forEach(u -> console.println("Not delivered: " + u));
              }
            });
  }

  private EvalResult result(
      Experiment exp,
      @Nullable Experiment base,
      Tally tally,
      @Nullable ExperimentSummary summary,
      List<String> warnings,
      List<String> undelivered,
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
        tally.classifierErrors,
        tally.labels,
        warnings,
        undelivered,
        Duration.ofNanos(System.nanoTime() - start));
  }

  private record Run<I, O>(EvalCase<I, O> evalCase, int trial) {}

  /** Totals of the outcomes; touched by one worker at a time. */
  private static final class Tally {
    final Map<String, Double> sums = new LinkedHashMap<>();
    final Map<String, Integer> counts = new LinkedHashMap<>();
    final Map<String, Map<String, Integer>> labels = new LinkedHashMap<>();
    int runs;
    int taskErrors;
    int timeouts;
    int scorerErrors;
    int classifierErrors;

    void add(CaseOutcome o) {
      runs++;
      if (o.taskFailed()) {
        taskErrors++;
      }
      if (o.timedOut()) {
        timeouts++;
      }
      scorerErrors += o.scorerErrors();
      classifierErrors += o.classifierErrors();
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
      o.classifications()
          .forEach(
              (key, ids) -> {
                Map<String, Integer> byId = labels.computeIfAbsent(key, k -> new LinkedHashMap<>());
                ids.forEach(id -> byId.merge(id, 1, Integer::sum));
              });
    }
  }
}

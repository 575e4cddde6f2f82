package dev.braintrust.reactive.eval;

import dev.braintrust.reactive.core.Tracing;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.internal.Validation;
import dev.braintrust.reactive.eval.internal.CaseOutcome;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Configures an {@link Eval}: project, experiment, data, task and scorers are required; the rest
 * has defaults. Not thread-safe; {@link #build()} copies what it needs.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class EvalBuilder<I, O> {
  final BraintrustClient client;
  @Nullable String project;
  @Nullable String experiment;
  @Nullable Flux<EvalCase<I, O>> data;
  long total;
  @Nullable Function<? super I, ? extends Mono<? extends O>> task;
  final List<Scorer<I, O>> scorers = new ArrayList<>();
  final List<Classifier<I, O>> classifiers = new ArrayList<>();
  Duration deliveryTimeout = Duration.ofSeconds(60);
  // Set by the dev server: sees each case's outcome as it completes, on the run's one worker.
  @Nullable Consumer<CaseOutcome> onCase;
  int maxConcurrency = 8;
  @Nullable Duration timeout;
  int trials = 1;
  @Nullable String baseExperiment;
  final Map<String, Object> metadata = new LinkedHashMap<>();
  final List<String> tags = new ArrayList<>();
  @Nullable BraintrustExporter exporter;
  Scheduler timer = Schedulers.parallel();
  @Nullable PrintStream console = System.out;

  EvalBuilder(BraintrustClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** The project the experiment goes in, created if missing. Required. */
  public EvalBuilder<I, O> project(String name) {
    this.project = Objects.requireNonNull(name, "project");
    return this;
  }

  /** The experiment's name. Required. */
  public EvalBuilder<I, O> experiment(String name) {
    this.experiment = Objects.requireNonNull(name, "experiment");
    return this;
  }

  /** The cases, from memory. */
  public EvalBuilder<I, O> data(List<EvalCase<I, O>> cases) {
    List<EvalCase<I, O>> copy = List.copyOf(cases);
    this.data = Flux.fromIterable(copy);
    this.total = copy.size();
    return this;
  }

  /**
   * The cases as a stream, read only as fast as cases run (e.g. {@link EvalData#dataset}, which
   * fetches a dataset page by page).
   */
  public EvalBuilder<I, O> data(Flux<EvalCase<I, O>> cases) {
    this.data = Objects.requireNonNull(cases, "cases");
    this.total = 0;
    return this;
  }

  /** The task, reactive: its Mono's value is the output. Required (or {@link #blockingTask}). */
  public EvalBuilder<I, O> task(Function<? super I, ? extends Mono<? extends O>> task) {
    this.task = Objects.requireNonNull(task, "task");
    return this;
  }

  /** The task as a plain function that may block; it runs on the bounded-elastic scheduler. */
  public EvalBuilder<I, O> blockingTask(Function<? super I, ? extends O> task) {
    Objects.requireNonNull(task, "task");
    // Tracing.fromCallable makes the eval's task span current on the worker thread, so spans the
    // task starts through a tracer nest under it.
    this.task =
        input ->
            Tracing.<O>fromCallable(() -> task.apply(input))
                .subscribeOn(Schedulers.boundedElastic());
    return this;
  }

  /** Adds a scorer. At least one scorer or classifier is required. */
  public EvalBuilder<I, O> scorer(Scorer<I, O> scorer) {
    scorers.add(Objects.requireNonNull(scorer, "scorer"));
    return this;
  }

  /** Adds a classifier. At least one scorer or classifier is required. */
  public EvalBuilder<I, O> classifier(Classifier<I, O> classifier) {
    classifiers.add(Objects.requireNonNull(classifier, "classifier"));
    return this;
  }

  /**
   * How long the end of the run waits for the task's spans to be delivered by the exporters they
   * went to; default 60 s. What is not confirmed by then is reported in {@link
   * EvalResult#undelivered()}.
   */
  public EvalBuilder<I, O> deliveryTimeout(Duration timeout) {
    this.deliveryTimeout = Validation.positive("deliveryTimeout", timeout);
    return this;
  }

  /** Case runs in progress at once; default 8. */
  public EvalBuilder<I, O> maxConcurrency(int n) {
    this.maxConcurrency = Validation.positive("maxConcurrency", n);
    return this;
  }

  /** How long one task may take before it is recorded as timed out; default none. */
  public EvalBuilder<I, O> timeout(Duration timeout) {
    this.timeout = Validation.positive("timeout", timeout);
    return this;
  }

  /** Runs of each case, for tasks that are not deterministic; default 1. */
  public EvalBuilder<I, O> trials(int n) {
    this.trials = Validation.positive("trials", n);
    return this;
  }

  /**
   * An experiment of the same project to compare with. When it does not exist (yet), the run warns
   * and goes on without a comparison.
   */
  public EvalBuilder<I, O> baseExperiment(String name) {
    this.baseExperiment = Objects.requireNonNull(name, "baseExperiment");
    return this;
  }

  /** Metadata on the experiment. */
  public EvalBuilder<I, O> metadata(String key, Object value) {
    metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** A tag on every case's row. */
  public EvalBuilder<I, O> tag(String tag) {
    tags.add(Objects.requireNonNull(tag, "tag"));
    return this;
  }

  /**
   * An exporter to flush (not close) before the run completes, e.g. the one behind the tracer the
   * task writes through. The eval writes its own rows with the client; the exporters the task's
   * spans go to are found and flushed anyway, so this is only needed for spans the task writes
   * outside its task span.
   */
  public EvalBuilder<I, O> exporter(BraintrustExporter exporter) {
    this.exporter = Objects.requireNonNull(exporter, "exporter");
    return this;
  }

  /** The scheduler timeouts run on; default {@code Schedulers.parallel()}. For virtual time. */
  public EvalBuilder<I, O> timer(Scheduler timer) {
    this.timer = Objects.requireNonNull(timer, "timer");
    return this;
  }

  /** Where progress and the summary table are printed; default {@code System.out}. */
  public EvalBuilder<I, O> console(PrintStream out) {
    this.console = Objects.requireNonNull(out, "out");
    return this;
  }

  /** Prints nothing. */
  public EvalBuilder<I, O> quiet() {
    this.console = null;
    return this;
  }

  /**
   * The eval, ready to {@link Eval#run()}.
   *
   * @throws IllegalStateException naming what is missing
   */
  public Eval<I, O> build() {
    List<String> missing = new ArrayList<>();
    if (project == null) {
      missing.add("project");
    }
    if (experiment == null) {
      missing.add("experiment");
    }
    if (data == null) {
      missing.add("data");
    }
    if (task == null) {
      missing.add("task");
    }
    if (scorers.isEmpty() && classifiers.isEmpty()) {
      missing.add("scorer or classifier");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("an eval needs " + String.join(", ", missing));
    }
    return new Eval<>(this);
  }
}

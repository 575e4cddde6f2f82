package dev.braintrust.reactive.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link SpanHotPathBenchmark} with JMH at each thread count, ours and the OpenTelemetry SDK
 * in the same JMH run, and reports JMH's score ± error, the allocation per operation and both
 * ratios.
 */
final class HotPathSuite {
  private HotPathSuite() {}

  /** JMH score, its error and bytes per operation, ours and OTel's, at one thread count. */
  record Row(int threads, double[] ours, double[] otel) {
    double ratio() {
      return ours[0] / otel[0];
    }

    double bytesRatio() {
      return ours[2] / otel[2];
    }
  }

  /** JMH options from the {@code bench.jmh.*} settings, with the GC profiler. */
  static Options options(Class<?> benchmark, int threads) {
    return new OptionsBuilder()
        .include(benchmark.getName())
        .threads(threads)
        .forks(Settings.integer("bench.jmh.forks"))
        .warmupIterations(Settings.integer("bench.jmh.warmup"))
        .warmupTime(TimeValue.seconds(Settings.integer("bench.jmh.seconds")))
        .measurementIterations(Settings.integer("bench.iterations"))
        .measurementTime(TimeValue.seconds(Settings.integer("bench.jmh.seconds")))
        .addProfiler(GCProfiler.class)
        .jvmArgs("-Xmx1g")
        .build();
  }

  static List<Row> run() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int threads : Settings.integers("bench.jmh.threads")) {
      Collection<RunResult> results =
          new Runner(options(SpanHotPathBenchmark.class, threads)).run();
      rows.add(new Row(threads, score(results, "braintrustSpan"), score(results, "otelSdkSpan")));
    }
    return rows;
  }

  static String section(List<Row> rows) {
    StringBuilder md = new StringBuilder();
    md.append("## Hot path: one traced LLM span (JMH, average time, lower is better)\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "JMH score ± its 99.9%% error; %s fork(s), %s x %s s warm-up, %s x %s s measured; "
                    + "both benchmarks in the same JMH run.%n%n",
                Settings.get("bench.jmh.forks"),
                Settings.get("bench.jmh.warmup"),
                Settings.get("bench.jmh.seconds"),
                Settings.get("bench.iterations"),
                Settings.get("bench.jmh.seconds")))
        .append(
            "| threads | braintrust-reactive ns/op | OTel SDK ns/op | ratio ours/OTel | ours B/op | OTel B/op | B/op ours/OTel |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %.0f ± %.0f | %.0f ± %.0f | **%.2f** | %.0f | %.0f | %.2f |%n",
              r.threads(),
              r.ours()[0],
              r.ours()[1],
              r.otel()[0],
              r.otel()[1],
              r.ratio(),
              r.ours()[2],
              r.otel()[2],
              r.bytesRatio()));
    }
    return md.toString();
  }

  /** Primary score, its error, and normalised allocation (bytes/op) for one benchmark method. */
  static double[] score(Collection<RunResult> results, String method) {
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().endsWith("." + method)) {
        Result<?> primary = r.getPrimaryResult();
        Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
        return new double[] {
          primary.getScore(), primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore()
        };
      }
    }
    throw new IllegalStateException("no result for " + method);
  }
}

package dev.braintrust.reactive.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark with settings that finish in a few minutes on 2 cores and writes a
 * markdown report (the path is the first argument). Sizes can be raised with system properties:
 * {@code -Dbench.events=200000}, {@code -Dbench.iterations=5}.
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  public static void main(String[] args) throws IOException, RunnerException {
    Path out = Path.of(args.length > 0 ? args[0] : "BENCHMARKS-run.md");
    int events = Integer.getInteger("bench.events", 200_000);
    int iterations = Integer.getInteger("bench.iterations", 5);
    StringBuilder md = new StringBuilder();
    md.append("Run on ").append(LocalDate.now()).append(": ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ").append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MiB max heap, ")
        .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
        .append(", ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
        .append(".\n\n");

    md.append("## Hot path: one traced LLM span (JMH, average time, lower is better)\n\n")
        .append("| threads | braintrust-reactive ns/op | OTel SDK ns/op | ratio ours/OTel | ours B/op | OTel B/op |\n")
        .append("|---|---|---|---|---|---|\n");
    for (int threads : new int[] {1, 2}) {
      Collection<RunResult> results = new Runner(new OptionsBuilder()
          .include(SpanHotPathBenchmark.class.getName())
          .threads(threads)
          .forks(1)
          .warmupIterations(5)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(iterations)
          .measurementTime(TimeValue.seconds(1))
          .addProfiler(GCProfiler.class)
          .jvmArgs("-Xmx1g")
          .build()).run();
      double[] ours = score(results, "braintrustSpan");
      double[] otel = score(results, "otelSdkSpan");
      md.append(String.format(Locale.ROOT, "| %d | %.0f ± %.0f | %.0f ± %.0f | **%.2f** | %.0f | %.0f |%n",
          threads, ours[0], ours[1], otel[0], otel[1], ours[0] / otel[0], ours[2], otel[2]));
    }

    md.append("\n## End to end: ").append(events).append(" LLM spans into a loopback sink (higher is better)\n\n")
        .append("| pipeline | events/s | wire bytes/event | peak heap MiB | notes |\n|---|---|---|---|---|\n");
    try (SinkServer sink = new SinkServer(java.time.Duration.ZERO)) {
      // A warm-up pass of each, so the JIT has compiled both pipelines before the measured pass.
      EndToEndBenchmark.limit(events / 4);
      EndToEndBenchmark.ours(events / 4, sink);
      EndToEndBenchmark.otel(events / 4, sink);
      List<EndToEndBenchmark.Result> runs = new ArrayList<>();
      EndToEndBenchmark.Result limit = EndToEndBenchmark.limit(events);
      EndToEndBenchmark.Result ours = EndToEndBenchmark.ours(events, sink);
      EndToEndBenchmark.Result otel = EndToEndBenchmark.otel(events, sink);
      runs.add(ours);
      runs.add(otel);
      runs.add(limit);
      for (EndToEndBenchmark.Result r : runs) {
        md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.0f | %d | %s |%n", r.name, r.eventsPerSecond(),
            (double) r.wireBytes / Math.max(1, r.events), r.peakHeapMiB, r.note));
      }
      md.append(String.format(Locale.ROOT, "%n- ours / OTel SDK + OTLP: **%.2f**%n- ours / serialise+gzip limit: **%.2f**%n",
          ours.eventsPerSecond() / otel.eventsPerSecond(), ours.eventsPerSecond() / limit.eventsPerSecond()));
    }

    md.append("\n## Bounded heap: producer faster than the network (sink answers after 100 ms)\n\n")
        .append("| run | events produced | peak heap MiB | notes |\n|---|---|---|---|\n");
    for (int capacity : new int[] {2_000, 20_000}) {
      EndToEndBenchmark.Result r = EndToEndBenchmark.boundedHeap(events * 2, capacity);
      md.append(String.format(Locale.ROOT, "| %s | %,d | %d | %s |%n", r.name, r.events, r.peakHeapMiB, r.note));
    }

    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString());
    System.out.println();
    System.out.println(md);
    System.out.println("Written to " + out.toAbsolutePath());
  }

  /** Primary score, its error, and normalised allocation (bytes/op) for one benchmark method. */
  private static double[] score(Collection<RunResult> results, String method) {
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().endsWith("." + method)) {
        Result<?> primary = r.getPrimaryResult();
        Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
        return new double[] {primary.getScore(), primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore()};
      }
    }
    throw new IllegalStateException("no result for " + method);
  }
}

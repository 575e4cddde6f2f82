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
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark with settings that finish in a few minutes on 2 cores and writes a markdown
 * report (the path is the first argument). Sizes can be changed with system properties: {@code
 * -Dbench.events=200000}, {@code -Dbench.iterations=5}, {@code -Dbench.rounds=5}; {@code
 * -Dbench.only=openai} runs only the OpenAI wrapper benchmark; for the WebFlux app, those of {@link
 * WebFluxBenchmark}.
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "BENCHMARKS-run.md");
    int events = Integer.getInteger("bench.events", 200_000);
    int iterations = Integer.getInteger("bench.iterations", 5);
    StringBuilder md = new StringBuilder();
    md.append("Run on ")
        .append(LocalDate.now())
        .append(": ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ")
        .append(Runtime.getRuntime().maxMemory() / (1024 * 1024))
        .append(" MiB max heap, ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.version"))
        .append(", ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.arch"))
        .append(".\n\n");
    if ("openai".equals(System.getProperty("bench.only"))) {
      openAiWrapper(md, iterations);
      write(out, md);
      return;
    }

    md.append("## Hot path: one traced LLM span (JMH, average time, lower is better)\n\n")
        .append(
            "| threads | braintrust-reactive ns/op | OTel SDK ns/op | ratio ours/OTel | ours B/op | OTel B/op |\n")
        .append("|---|---|---|---|---|---|\n");
    for (int threads : new int[] {1, 2}) {
      Collection<RunResult> results =
          new Runner(
                  new OptionsBuilder()
                      .include(SpanHotPathBenchmark.class.getName())
                      .threads(threads)
                      .forks(1)
                      .warmupIterations(5)
                      .warmupTime(TimeValue.seconds(1))
                      .measurementIterations(iterations)
                      .measurementTime(TimeValue.seconds(1))
                      .addProfiler(GCProfiler.class)
                      .jvmArgs("-Xmx1g")
                      .build())
              .run();
      double[] ours = score(results, "braintrustSpan");
      double[] otel = score(results, "otelSdkSpan");
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %.0f ± %.0f | %.0f ± %.0f | **%.2f** | %.0f | %.0f |%n",
              threads,
              ours[0],
              ours[1],
              otel[0],
              otel[1],
              ours[0] / otel[0],
              ours[2],
              otel[2]));
    }

    md.append("\n## End to end: ")
        .append(events)
        .append(" LLM spans into a loopback sink (higher is better)\n\n")
        .append(
            "| pipeline | events/s | wire bytes/event | peak heap MiB | notes |\n|---|---|---|---|---|\n");
    int rounds = Integer.getInteger("bench.rounds", 5);
    try (SinkServer sink = new SinkServer(java.time.Duration.ZERO)) {
      // Rounds interleave the pipelines so each sees the same machine state; the JIT warms up in
      // the early rounds, and each pipeline is reported by its best round.
      List<List<EndToEndBenchmark.Result>> all = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        all.add(new ArrayList<>());
      }
      for (int round = 0; round < rounds; round++) {
        all.get(0).add(EndToEndBenchmark.ours(events, sink));
        all.get(1).add(EndToEndBenchmark.otel(events, sink));
        all.get(2).add(EndToEndBenchmark.limit(events, 1));
        all.get(3).add(EndToEndBenchmark.limit(events, Runtime.getRuntime().availableProcessors()));
      }
      List<EndToEndBenchmark.Result> best = new ArrayList<>();
      for (List<EndToEndBenchmark.Result> runs : all) {
        EndToEndBenchmark.Result b = runs.get(0);
        StringBuilder each = new StringBuilder();
        for (EndToEndBenchmark.Result r : runs) {
          if (r.eventsPerSecond() > b.eventsPerSecond()) {
            b = r;
          }
          each.append(each.length() == 0 ? "" : ", ")
              .append(String.format(Locale.ROOT, "%,.0f", r.eventsPerSecond()));
        }
        best.add(b);
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %,.0f | %.0f | %d | %s; rounds: %s |%n",
                b.name,
                b.eventsPerSecond(),
                (double) b.wireBytes / Math.max(1, b.events),
                b.peakHeapMiB,
                b.note.isEmpty() ? "-" : b.note,
                each));
      }
      double ours = best.get(0).eventsPerSecond();
      md.append(
          String.format(
              Locale.ROOT,
              "%n- ours / OTel SDK + OTLP: **%.2f**%n- ours / serialise+gzip limit on 1 thread: **%.2f**%n"
                  + "- ours / serialise+gzip limit on all %d cores: **%.2f**%n",
              ours / best.get(1).eventsPerSecond(),
              ours / best.get(2).eventsPerSecond(),
              Runtime.getRuntime().availableProcessors(),
              ours / best.get(3).eventsPerSecond()));
    }

    md.append("\n## Bounded heap: producer faster than the network (sink answers after 100 ms)\n\n")
        .append("| run | events produced | peak heap MiB | notes |\n|---|---|---|---|\n");
    for (int capacity : new int[] {2_000, 20_000}) {
      EndToEndBenchmark.Result r = EndToEndBenchmark.boundedHeap(events * 2, capacity);
      md.append(
          String.format(
              Locale.ROOT, "| %s | %,d | %d | %s |%n", r.name, r.events, r.peakHeapMiB, r.note));
    }

    md.append(
            "\n## WebFlux app: the same app untraced, traced by the starter, traced by the OTel SDK\n\n")
        .append(
            "Two spans per request (the request and one `@Traced` service call) into a loopback sink; ")
        .append(
            "the OTel SDK with BatchSpanProcessor and OTLP/HTTP (gzip), instrumented equivalently.\n\n")
        .append(WebFluxBenchmark.report());

    openAiWrapper(md, iterations);
    write(out, md);
  }

  /**
   * The OpenAI client wrapped vs unwrapped, one non-streaming chat call against a canned loopback
   * server: JMH (time and allocation per call), then interleaved blocks timed by wall clock and
   * process CPU, whose median ratio holds up when other work shares the machine.
   */
  private static void openAiWrapper(StringBuilder md, int iterations) throws Exception {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .include(OpenAIWrapperBenchmark.class.getName())
                    .threads(1)
                    .forks(1)
                    .warmupIterations(5)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(iterations)
                    .measurementTime(TimeValue.seconds(1))
                    .addProfiler(GCProfiler.class)
                    .jvmArgs("-Xmx1g")
                    .build())
            .run();
    double[] plain = score(results, "unwrapped");
    double[] traced = score(results, "wrapped");
    OpenAIInterleaved.Result r =
        OpenAIInterleaved.run(
            Integer.getInteger("bench.openai.pairs", 10),
            Integer.getInteger("bench.openai.calls", 4000));
    OpenAIInterleaved.Own own = OpenAIInterleaved.withoutNetwork(50_000);
    md.append(
            "\n## OpenAI client: one non-streaming chat call, wrapped vs unwrapped (lower is better)\n\n")
        .append(
            "| measure | unwrapped | `BraintrustOpenAI.wrap` | ratio wrapped/unwrapped |\n|---|---|---|---|\n")
        .append(
            String.format(
                Locale.ROOT,
                "| JMH µs/op | %.1f ± %.1f | %.1f ± %.1f | %.2f |%n",
                plain[0],
                plain[1],
                traced[0],
                traced[1],
                traced[0] / plain[0]))
        .append(
            String.format(
                Locale.ROOT,
                "| JMH B/op (all threads) | %.0f | %.0f | %.2f |%n",
                plain[2],
                traced[2],
                traced[2] / plain[2]))
        .append(
            String.format(
                Locale.ROOT,
                "| interleaved wall µs/call (median) | %.1f | %.1f | **%.2f** |%n",
                r.wallPlain(),
                r.wallWrapped(),
                r.wallRatio()))
        .append(
            String.format(
                Locale.ROOT,
                "| interleaved process CPU µs/call (median) | %.1f | %.1f | **%.2f** |%n",
                r.cpuPlain(),
                r.cpuWrapped(),
                r.cpuRatio()))
        .append(
            String.format(
                Locale.ROOT,
                "| interleaved caller-thread CPU µs/call (median) | %.1f | %.1f | +%.1f µs |%n",
                r.callerPlain(),
                r.callerWrapped(),
                r.callerWrapped() - r.callerPlain()))
        .append(
            String.format(
                Locale.ROOT,
                "| interleaved caller-thread B/call (median) | %.0f | %.0f | +%.0f B |%n",
                r.allocPlain(),
                r.allocWrapped(),
                r.allocWrapped() - r.allocPlain()))
        .append(
            String.format(
                Locale.ROOT,
                "| wrapper alone (client stub, no network): caller CPU µs/call, B/call | - | %.2f, %.0f | - |%n",
                own.callerCpu(),
                own.callerBytes()))
        .append(
            String.format(
                Locale.ROOT,
                "| wrapper alone: exporter threads' CPU µs per row (encoding) | - | %.2f | - |%n",
                own.exporterCpu()))
        .append(
            String.format(
                Locale.ROOT,
                "%nInterleaved: %d ABBA pairs of %d-call blocks after 20,000 warm-up calls; "
                    + "the wrapped block includes flushing its spans (encoding every row) before its clock stops.%n",
                r.pairs(),
                r.callsPerBlock()));
  }

  private static void write(Path out, StringBuilder md) throws IOException {
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
        return new double[] {
          primary.getScore(), primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore()
        };
      }
    }
    throw new IllegalStateException("no result for " + method);
  }
}

package dev.braintrust.reactive.benchmarks;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;

/**
 * The OpenAI client wrapped vs unwrapped, one non-streaming chat call against a canned loopback
 * server: JMH (time and allocation per call), then interleaved ABBA blocks timed by wall clock and
 * process CPU (median of the per-pair ratios, with their range), then the wrapper alone around a
 * client stub.
 */
final class OpenAIReport {
  private OpenAIReport() {}

  /** Runs the three measurements and returns the section. */
  static String run(Goals goals) throws Exception {
    Collection<RunResult> results =
        new Runner(HotPathSuite.options(OpenAIWrapperBenchmark.class, 1)).run();
    double[] plain = HotPathSuite.score(results, "unwrapped");
    double[] traced = HotPathSuite.score(results, "wrapped");
    OpenAIInterleaved.Result r =
        OpenAIInterleaved.run(
            Settings.integer("bench.openai.pairs"),
            Settings.integer("bench.openai.calls"),
            Settings.integer("bench.openai.warmup"));
    OpenAIInterleaved.Own own =
        OpenAIInterleaved.withoutNetwork(Settings.integer("bench.openai.stubCalls"));
    StringBuilder md = new StringBuilder();
    md.append(
            "## OpenAI client: one non-streaming chat call, wrapped vs unwrapped (lower is better)\n\n")
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
                "| interleaved wall µs/call (median) | %.1f | %.1f | %s |%n",
                r.wallPlain(),
                r.wallWrapped(),
                r.wallRatio().bold("%.2f")))
        .append(
            String.format(
                Locale.ROOT,
                "| interleaved process CPU µs/call (median) | %.1f | %.1f | %s |%n",
                r.cpuPlain(),
                r.cpuWrapped(),
                r.cpuRatio().bold("%.2f")))
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
                "%nInterleaved: %d ABBA pairs of %d-call blocks after %s warm-up calls; ratios are "
                    + "per pair, median (min–max). The wrapped block includes flushing its spans "
                    + "(encoding every row) before its clock stops.%n",
                r.pairs(),
                r.callsPerBlock(),
                Settings.get("bench.openai.warmup")));
    goals.openai(r.allocWrapped() - r.allocPlain(), r.callerWrapped() - r.callerPlain(), own);
    return md.toString();
  }
}

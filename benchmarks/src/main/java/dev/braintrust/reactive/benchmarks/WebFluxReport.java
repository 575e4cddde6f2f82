package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.benchmarks.WebFluxBenchmark.Mode;
import dev.braintrust.reactive.benchmarks.WebFluxBenchmark.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The WebFlux benchmark's markdown section and the figures its goal is judged on. */
final class WebFluxReport {
  private WebFluxReport() {}

  /**
   * The throughput lost to tracing, as a share of the untraced run of the same round: {@code 1 -
   * traced / untraced}.
   */
  static double throughputCost(Run traced, Run untraced) {
    return 1 - traced.requestsPerSecond() / untraced.requestsPerSecond();
  }

  /** The CPU tracing adds to a request, as a share of the untraced run's of the same round. */
  static double cpuCost(Run traced, Run untraced) {
    return traced.cpuMicrosPerRequest() / untraced.cpuMicrosPerRequest() - 1;
  }

  /**
   * The CPU tracing adds to a request at the fixed rate, as a share of the untraced run's at the
   * same rate in the same round.
   */
  static double fixedCpuCost(Run traced, Run untraced) {
    return traced.fixed().cpuMicrosPerRequest() / untraced.fixed().cpuMicrosPerRequest() - 1;
  }

  /**
   * The starter's cost over the OTel SDK's by {@code cost}, per round (infinite when only the
   * starter costs anything), summarised.
   */
  static Stats overheadRatio(Map<Mode, List<Run>> runs, CostFunction cost) {
    List<Run> base = runs.get(Mode.UNTRACED);
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < base.size(); i++) {
      double ours = cost.of(runs.get(Mode.STARTER).get(i), base.get(i));
      double otel = cost.of(runs.get(Mode.OTEL_SDK).get(i), base.get(i));
      ratios.add(ours <= 0 ? 0 : otel <= 0 ? Double.POSITIVE_INFINITY : ours / otel);
    }
    return Stats.of(ratios);
  }

  /** A tracer's cost against the untraced run of its round. */
  interface CostFunction {
    double of(Run traced, Run untraced);
  }

  static String section(Map<Mode, List<Run>> runs) {
    List<Run> base = runs.get(Mode.UNTRACED);
    StringBuilder md = new StringBuilder();
    md.append(
            "## WebFlux app: the same app untraced, traced by the starter, traced by the OTel SDK\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "Two spans per request (the request and one `@Traced` service call) into a loopback "
                    + "sink; the OTel SDK with BatchSpanProcessor (given the starter's exporter "
                    + "defaults: queue 10,000, batches of 1,000, 1 s delay) and OTLP/HTTP (gzip), "
                    + "instrumented equivalently. Closed loop, %s concurrent connections; each run a "
                    + "fresh JVM that warms up for at least %s s and then until the JIT compiler "
                    + "spends under 5%% of a 5 s slice compiling (a fixed 15 s left C2 compiling "
                    + "through the measurement, which weighed the compiler's backlog, not tracing), "
                    + "then measures %s s. CPU is the app's per request: the process's, less the load "
                    + "generator's threads and the JIT compiler (the same work in every mode, and "
                    + "the compiler's share of a window varied by more than the costs compared); "
                    + "delivered is the share of the "
                    + "spans made over the whole run that the sink acknowledged, after the app's "
                    + "shutdown flushed. Median of %d interleaved rounds (min–max); ratios and costs "
                    + "against the untraced run of the same round.%n%n",
                Settings.get("bench.web.concurrency"),
                Settings.get("bench.web.warmup"),
                Settings.get("bench.web.seconds"),
                base.size()))
        .append(
            "| mode | requests/s | p50 µs | p99 µs | CPU µs/request | cores busy | warm-up s |"
                + " JIT ms while measured | spans delivered | errors |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Mode mode : Mode.values()) {
      List<Run> rs = runs.get(mode);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              mode.name().toLowerCase(Locale.ROOT),
              Stats.of(rs, Run::requestsPerSecond).format("%,.0f"),
              Stats.of(rs, Run::p50Micros).format("%.0f"),
              Stats.of(rs, Run::p99Micros).format("%.0f"),
              Stats.of(rs, Run::cpuMicrosPerRequest).format("%.1f"),
              Stats.of(rs, Run::cpuUse).format("%.2f"),
              Stats.of(rs, Run::warmupSeconds).med("%.0f"),
              Stats.of(rs, Run::jitMillis).format("%.0f"),
              mode == Mode.UNTRACED ? "-" : Stats.of(rs, r -> 100 * r.delivered()).format("%.1f%%"),
              Stats.of(rs, r -> (double) r.errors()).med("%.0f")));
    }
    md.append(
            "\n| ratio to untraced (per round) | throughput | p50 | p99 | throughput cost |"
                + " CPU per request cost |\n")
        .append("|---|---|---|---|---|---|\n");
    for (Mode mode : List.of(Mode.STARTER, Mode.OTEL_SDK)) {
      List<Run> rs = runs.get(mode);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s |%n",
              mode == Mode.STARTER ? "starter" : "OTel SDK",
              Stats.ratio(rs, Run::requestsPerSecond, base, Run::requestsPerSecond).format("%.3f"),
              Stats.ratio(rs, Run::p50Micros, base, Run::p50Micros).format("%.3f"),
              Stats.ratio(rs, Run::p99Micros, base, Run::p99Micros).format("%.3f"),
              costs(rs, base, WebFluxReport::throughputCost).format("%.1f%%"),
              costs(rs, base, WebFluxReport::cpuCost).format("%.1f%%")));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nStarter's cost / OTel SDK's, per round: throughput %s, CPU per request %s; the OTel "
                + "SDK delivered %s of its spans, the starter %s.%n",
            overheadRatio(runs, WebFluxReport::throughputCost).bold("%.2f"),
            overheadRatio(runs, WebFluxReport::cpuCost).bold("%.2f"),
            delivered(runs, Mode.OTEL_SDK),
            delivered(runs, Mode.STARTER)));
    md.append(fixedSection(runs));
    return md.toString();
  }

  /** The fixed-rate phase's table and ratio; empty when it was not run. */
  static String fixedSection(Map<Mode, List<Run>> runs) {
    List<Run> base = runs.get(Mode.UNTRACED);
    if (base.isEmpty() || Double.isNaN(base.get(0).fixed().rate())) {
      return "";
    }
    StringBuilder md = new StringBuilder();
    md.append(
            String.format(
                Locale.ROOT,
                "%n### At a fixed %,d requests/s%n%nThe load a service runs at rather than its "
                    + "limit: in the same JVM after the warm-up, an open loop sends %,d requests/s "
                    + "for %s s, each at its appointed time whatever the earlier ones are doing, and "
                    + "latency counts from that time (a stall is charged to every request it "
                    + "delays). The tracer is flushed before and after, so spans delivered are this "
                    + "phase's alone: both tracers deliver everything here, so their costs are for "
                    + "the same work. CPU is counted as above, and split (medians, per request) "
                    + "into the server's event loops (the request path, the tracer's part of it "
                    + "included), the tracer's own threads (batching, encoding, gzip, HTTP) and "
                    + "the rest (GC mostly).%n%n",
                Settings.integer("bench.web.rate"),
                Settings.integer("bench.web.rate"),
                Settings.get("bench.web.seconds")))
        .append(
            "| mode | requests/s | p50 µs | p99 µs | CPU µs/request | CPU per request cost |"
                + " spans delivered | server threads µs | tracer threads µs | other µs |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Mode mode : Mode.values()) {
      List<Run> rs = runs.get(mode);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              mode.name().toLowerCase(Locale.ROOT),
              Stats.of(rs, r -> r.fixed().rate()).format("%,.0f"),
              Stats.of(rs, r -> r.fixed().p50Micros()).format("%.0f"),
              Stats.of(rs, r -> r.fixed().p99Micros()).format("%.0f"),
              Stats.of(rs, r -> r.fixed().cpuMicrosPerRequest()).format("%.1f"),
              mode == Mode.UNTRACED
                  ? "-"
                  : costs(rs, base, WebFluxReport::fixedCpuCost).format("%.1f%%"),
              mode == Mode.UNTRACED
                  ? "-"
                  : Stats.of(rs, r -> 100 * r.fixed().delivered()).format("%.1f%%"),
              Stats.of(rs, r -> r.fixed().serverMicros()).med("%.1f"),
              Stats.of(rs, r -> r.fixed().tracerMicros()).med("%.1f"),
              Stats.of(rs, r -> r.fixed().otherMicros()).med("%.1f")));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nStarter's CPU per request cost / OTel SDK's at %,d requests/s, per round: %s.%n",
            Settings.integer("bench.web.rate"),
            overheadRatio(runs, WebFluxReport::fixedCpuCost).bold("%.2f")));
    return md.toString();
  }

  static String delivered(Map<Mode, List<Run>> runs, Mode mode) {
    return Stats.of(runs.get(mode), r -> 100 * r.delivered()).format("%.1f%%");
  }

  private static Stats costs(List<Run> traced, List<Run> base, CostFunction cost) {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < Math.min(traced.size(), base.size()); i++) {
      v.add(100 * cost.of(traced.get(i), base.get(i)));
    }
    return Stats.of(v);
  }
}

package dev.braintrust.reactive.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The goals of issue 20, checked by the harness against this run's figures (medians of per-round
 * ratios where there are rounds); a goal whose benchmark did not run says so.
 */
final class Goals {
  /** A goal's state in this run. */
  enum Status {
    MET("met"),
    NOT_MET("**not met**"),
    NOT_RUN("not run");

    final String text;

    Status(String text) {
      this.text = text;
    }
  }

  /** One row of the table. */
  record Goal(String target, String result, Status status) {}

  private final Map<String, Goal> goals = new LinkedHashMap<>();

  Goals() {
    notRun(
        "hotpath", "Hot path: ours/OTel <= 0.7 at 1 and 2 threads, with at most half OTel's B/op");
    notRun(
        "e2e-otel",
        "End to end >= 3x OTel SDK + BatchSpanProcessor + OTLP/HTTP at equal compression (gzip 6)");
    notRun("e2e-limit", "End to end >= 0.9 of the serialise+gzip limit on all cores (same level)");
    notRun(
        "otel-sdk",
        "OTel SDK app: our processor's CPU per span <= the OTLP exporter's, at equal delivery and"
            + " compression (issue 35)");
    notRun(
        "heap",
        "Live heap bounded by the capacity (events or bytes), flat whatever the spans produced");
    notRun(
        "attachments",
        String.format(
            Locale.ROOT,
            "Live heap over baseline during 20 MiB PDF uploads (median) <= attachment budget + %.0f"
                + " MiB, every row delivered, none oversized (issue 30)",
            AttachmentHeapBenchmark.ALLOWANCE_MIB));
    notRun(
        "webflux",
        "WebFlux: starter's cost <= half of the OTel SDK's, at the limit and at a fixed load (issue 16)");
    notRun(
        "agent",
        "Java agent with our extension vs with the OTLP exporter: throughput >= 1.0x, application"
            + " CPU per request <= 1.0x, p99 <= 1.0x; extension jar <= 6 MB (issue 35)");
    notRun(
        "webflux-35",
        "WebFlux: starter's CPU cost <= 0.7 of the OTel SDK's at the fixed load, and <= 1.0 in"
            + " every round (issue 35)");
    notRun(
        "wrapper-openai",
        "OpenAI `chat().completions().create` wrapper: < 5 µs CPU and < 2 KB allocated added per"
            + " call on the caller's thread (issue 31)");
    for (String client : WrapperReport.CLIENTS) {
      notRun("wrapper-" + client, WrapperReport.goal(client));
    }
  }

  private void notRun(String key, String target) {
    goals.put(key, new Goal(target, "-", Status.NOT_RUN));
  }

  private void set(String key, String result, boolean met) {
    goals.put(key, new Goal(goals.get(key).target(), result, met ? Status.MET : Status.NOT_MET));
  }

  void hotPath(List<HotPathSuite.Row> rows) {
    boolean met = !rows.isEmpty();
    StringBuilder result = new StringBuilder();
    for (HotPathSuite.Row r : rows) {
      met &= r.ratio() <= 0.7 && r.bytesRatio() <= 0.5;
      result
          .append(result.length() == 0 ? "" : "; ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%d thread%s: %.2f, B/op %.2f",
                  r.threads(),
                  r.threads() == 1 ? "" : "s",
                  r.ratio(),
                  r.bytesRatio()));
    }
    boolean both =
        rows.stream().anyMatch(r -> r.threads() == 1)
            && rows.stream().anyMatch(r -> r.threads() == 2);
    set("hotpath", result + (both ? "" : " (not at both 1 and 2 threads)"), met && both);
  }

  void endToEnd(EndToEndSuite suite) {
    if (suite.e2eLevels().contains(6)) {
      Stats r = suite.ratio(EndToEndSuite.ours(6), EndToEndSuite.OTEL);
      set("e2e-otel", "ours at level 6 / OTel: " + r.format("%.2f") + "x", r.median() >= 3);
    }
    if (!suite.get(EndToEndSuite.OTEL_OURS).isEmpty()) {
      Stats cpu = suite.otelCpuRatio();
      long lost = suite.otelUndelivered();
      set(
          "otel-sdk",
          "whole-process CPU per span, ours / OTLP: "
              + cpu.format("%.2f")
              + (lost == 0 ? "; both delivered every span" : "; " + lost + " span(s) not delivered")
              + (suite.get(EndToEndSuite.OTEL_OURS_DEFAULT).isEmpty()
                  ? ""
                  : " (at our default gzip level "
                      + EndToEndSuite.DEFAULT_LEVEL
                      + ", not judged: "
                      + suite.otelDefaultCpuRatio().format("%.2f")
                      + ", with "
                      + suite.otelDefaultBytesRatio().format("%.2f")
                      + "x OTLP's wire bytes)"),
          cpu.median() <= 1.0 && lost == 0);
    }
    StringBuilder result = new StringBuilder();
    boolean met = true;
    boolean any = false;
    for (int level : suite.e2eLevels()) {
      if (suite.limitLevels().contains(level)) {
        Stats r = suite.ratio(EndToEndSuite.ours(level), EndToEndSuite.limit(suite.cores(), level));
        any = true;
        met &= r.median() >= 0.9;
        result
            .append(result.length() == 0 ? "" : "; ")
            .append("level ")
            .append(level)
            .append(": ")
            .append(r.format("%.2f"))
            .append(r.median() >= 0.9 ? "" : " (not met)");
      }
    }
    if (any) {
      set("e2e-limit", result.toString(), met);
    }
  }

  void heap(List<LiveHeapBenchmark.Result> runs) {
    boolean met = !runs.isEmpty();
    StringBuilder result = new StringBuilder();
    for (LiveHeapBenchmark.Result r : runs) {
      met &= r.bounded();
      result
          .append(result.length() == 0 ? "" : "; ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%s: %.0f MiB over baseline, max %.0f (budget %.0f = %s)%s",
                  r.name(),
                  r.steadyMiB(),
                  r.overBaselineMiB(),
                  r.budgetMiB(),
                  r.budgetRule(),
                  r.bounded()
                      ? ""
                      : !r.heldWithinCapacity()
                          ? ", held over capacity"
                          : r.flat() ? ", over budget" : ", grows"));
    }
    set("heap", result.toString(), met);
  }

  void attachments(List<AttachmentHeapBenchmark.Result> runs) {
    set("attachments", AttachmentHeapBenchmark.goal(runs), runs.get(0).met());
  }

  /**
   * The OpenAI wrapper's goal: bytes added on real calls (median of the interleaved blocks); CPU of
   * the wrapper alone around a client stub (the stub's own work included, so an upper bound).
   */
  void openai(double addedBytes, double realCallsCpu, OpenAIInterleaved.Own alone) {
    set(
        "wrapper-openai",
        String.format(
            Locale.ROOT,
            "%.1f µs (wrapper alone, stub included; real calls %+.1f), %+.0f B per call (alone: %.0f"
                + " B)",
            alone.callerCpu(),
            realCallsCpu,
            addedBytes,
            alone.callerBytes()),
        alone.callerCpu() < WrapperReport.CPU_GOAL_MICROS && addedBytes < WrapperReport.BYTES_GOAL);
  }

  /** The agent run's goal, as {@code AgentBenchmark} wrote it. */
  void agent(String result, boolean met) {
    set("agent", result, met);
  }

  void webflux(Map<WebFluxBenchmark.Mode, List<WebFluxBenchmark.Run>> runs) {
    Stats throughput = WebFluxReport.overheadRatio(runs, WebFluxReport::throughputCost);
    Stats cpu = WebFluxReport.overheadRatio(runs, WebFluxReport::cpuCost);
    boolean fixedRan = !WebFluxReport.fixedSection(runs).isEmpty();
    Stats fixed = fixedRan ? WebFluxReport.overheadRatio(runs, WebFluxReport::fixedCpuCost) : null;
    set(
        "webflux",
        "starter's cost / OTel's: throughput "
            + throughput.format("%.2f")
            + ", CPU per request "
            + cpu.format("%.2f")
            + (fixed == null ? "" : ", CPU per request at a fixed load " + fixed.format("%.2f"))
            + "; spans delivered at the limit: starter "
            + WebFluxReport.delivered(runs, WebFluxBenchmark.Mode.STARTER)
            + ", OTel SDK "
            + WebFluxReport.delivered(runs, WebFluxBenchmark.Mode.OTEL_SDK),
        throughput.median() <= 0.5 && (fixed == null || fixed.median() <= 0.5));
    if (fixed != null) {
      set(
          "webflux-35",
          "starter's CPU per request cost / OTel's at the fixed load: " + fixed.format("%.2f"),
          fixed.median() <= 0.7 && fixed.max() <= 1.0);
    }
  }

  /**
   * The wrapper goal of one client: bytes from the real calls; CPU from the wrapper alone where it
   * was measured (a few µs do not stand out of real calls' noise on a loaded machine), else from
   * the real calls.
   */
  void wrapper(
      String client, WrapperInterleaved.Result r, WrapperInterleaved.@Nullable Result alone) {
    Stats cpu = alone != null ? alone.addedCpu() : r.addedCpu();
    set(
        "wrapper-" + client,
        cpu.format("%+.1f")
            + " µs"
            + (alone != null
                ? " (wrapper alone; real calls " + r.addedCpu().format("%+.1f") + ")"
                : "")
            + ", "
            + r.addedBytes().format("%+.0f")
            + " B per call",
        cpu.median() < WrapperReport.CPU_GOAL_MICROS
            && r.addedBytes().median() < WrapperReport.BYTES_GOAL);
  }

  String table() {
    StringBuilder md =
        new StringBuilder("| goal | this run (median, (min–max)) | |\n|---|---|---|\n");
    for (Goal g : goals.values()) {
      md.append("| ")
          .append(g.target())
          .append(" | ")
          .append(g.result())
          .append(" | ")
          .append(g.status().text)
          .append(" |\n");
    }
    return md.toString();
  }
}

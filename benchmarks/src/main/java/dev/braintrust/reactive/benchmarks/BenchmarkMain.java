package dev.braintrust.reactive.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the benchmarks {@code bench.only} selects (all by default) and writes the whole of
 * BENCHMARKS.md to the path given as the first argument: method, this run's goals and tables, and
 * the hand-written appendix. Every size is a system property ({@link Settings#PROPERTIES}); {@code
 * benchmarks/run-one.sh} runs one benchmark with small sizes. The Java agent run's report, when
 * {@code bench.agent.report} names one written in the same build, is included.
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "BENCHMARKS-run.md");
    Set<String> selected = Settings.selected();
    Report report = new Report();
    Goals goals = new Goals();

    if (selected.contains("hotpath")) {
      List<HotPathSuite.Row> rows = HotPathSuite.run();
      report.section(HotPathSuite.section(rows));
      goals.hotPath(rows);
    }
    boolean e2e = selected.contains("e2e");
    boolean limit = selected.contains("limit");
    boolean compression = selected.contains("compression");
    if (e2e || limit || compression) {
      EndToEndSuite suite = new EndToEndSuite(e2e, limit, compression);
      suite.run();
      report.section(suite.endToEndSection());
      report.section(suite.compressionSection());
      goals.endToEnd(suite);
    }
    if (selected.contains("spool")) {
      report.section(SpoolBenchmark.section(SpoolBenchmark.runAll()));
    }
    if (selected.contains("heap")) {
      List<LiveHeapBenchmark.Result> runs = LiveHeapBenchmark.runAll();
      report.section(LiveHeapBenchmark.section(runs));
      goals.heap(runs);
    }
    if (selected.contains("attachments")) {
      List<AttachmentHeapBenchmark.Result> runs = AttachmentHeapBenchmark.runAll();
      report.section(AttachmentHeapBenchmark.section(runs));
      goals.attachments(runs);
    }
    if (selected.contains("latency")) {
      report.section(LatencyBenchmark.section(LatencyBenchmark.runAll()));
    }
    if (selected.contains("webflux")) {
      Map<WebFluxBenchmark.Mode, List<WebFluxBenchmark.Run>> runs = WebFluxBenchmark.runAll();
      report.section(WebFluxReport.section(runs));
      goals.webflux(runs);
    }
    if (selected.contains("openai")) {
      report.section(OpenAIReport.run(goals));
    }
    report.section(WrapperReport.run(selected, goals));
    report.section(agentSection());
    agentGoal(goals);
    write(out, report.document(goals));
  }

  /**
   * The agent benchmark's report when this build wrote one (it runs first in {@code verify}), or a
   * note that it did not run.
   */
  private static String agentSection() throws IOException {
    String path = System.getProperty("bench.agent.report", "");
    if (path.isBlank()) {
      return "";
    }
    Path p = Path.of(path);
    if (Boolean.getBoolean("bench.agent.skipped") || !Files.exists(p)) {
      return "## Java agent + our extension vs agent + its OTLP exporter (`AgentBenchmark`)\n\n"
          + "Not run this time (`-Dbench.agent.skip=true`).\n";
    }
    return Files.readString(p).replaceFirst("(?s)^Run on [^\n]*\n+", "");
  }

  /** The agent run's goal row, when this build's agent run wrote one. */
  private static void agentGoal(Goals goals) throws IOException {
    String path = System.getProperty("bench.agent.report", "");
    if (path.isBlank() || Boolean.getBoolean("bench.agent.skipped")) {
      return;
    }
    Path goal = AgentBenchmark.goalFile(Path.of(path));
    if (Files.exists(goal)) {
      String[] parts = Files.readString(goal).trim().split("\t");
      goals.agent(parts[0], parts.length > 1 && Boolean.parseBoolean(parts[1]));
    }
  }

  private static void write(Path out, String md) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(out, md);
    System.out.println();
    System.out.println(md);
    System.out.println("Written to " + out.toAbsolutePath());
  }
}

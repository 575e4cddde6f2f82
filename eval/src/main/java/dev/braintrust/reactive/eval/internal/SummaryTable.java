package dev.braintrust.reactive.eval.internal;

import dev.braintrust.reactive.eval.EvalResult;
import java.util.Locale;

/** Renders an eval result as a plain-text table for the console. */
public final class SummaryTable {
  private SummaryTable() {}

  /** The table, ending with a newline. */
  public static String render(EvalResult r) {
    StringBuilder b = new StringBuilder();
    b.append("Experiment ")
        .append(r.experimentName())
        .append(" (project ")
        .append(r.projectName())
        .append(")");
    if (r.baseExperimentName() != null) {
      b.append(" compared with ").append(r.baseExperimentName());
    }
    b.append('\n');
    int width = "score".length();
    for (String name : r.scores().keySet()) {
      width = Math.max(width, name.length());
    }
    String row = "%-" + width + "s  %8s  %8s  %6s  %6s  %5s%n";
    b.append(String.format(Locale.ROOT, row, "score", "mean", "diff", "better", "worse", "n"));
    for (EvalResult.ScoreStats s : r.scores().values()) {
      b.append(
          String.format(
              Locale.ROOT,
              row,
              s.name(),
              String.format(Locale.ROOT, "%.2f%%", s.mean() * 100),
              s.diff() == null ? "-" : String.format(Locale.ROOT, "%+.2f%%", s.diff() * 100),
              s.improvements() == null ? "-" : s.improvements().toString(),
              s.regressions() == null ? "-" : s.regressions().toString(),
              Integer.toString(s.count())));
    }
    r.classifications()
        .forEach(
            (key, counts) -> {
              b.append(key).append(':');
              counts.forEach((id, n) -> b.append(' ').append(id).append(' ').append(n));
              b.append('\n');
            });
    b.append(
        String.format(
            Locale.ROOT,
            "%d case runs in %.1f s, %d task errors (%d timeouts), %d scorer errors%n",
            r.cases(),
            r.duration().toMillis() / 1000.0,
            r.taskErrors(),
            r.timeouts(),
            r.scorerErrors()));
    if (r.classifierErrors() > 0) {
      b.append(r.classifierErrors()).append(" classifier errors\n");
    }
    if (r.experimentUrl() != null) {
      b.append("See ").append(r.experimentUrl()).append('\n');
    }
    return b.toString();
  }
}

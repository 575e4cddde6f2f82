package dev.braintrust.reactive.core.export;

import java.io.PrintStream;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one line an exporter prints when it shuts down having not delivered everything it was given.
 * It goes to {@code System.err} directly, not to a logger: at JVM exit (a shutdown hook, or
 * OpenTelemetry's own) the logging system may already be shut down, and this is the last chance to
 * say that events were lost. Log files still get the deadline's warning and each failure's, as they
 * happen.
 */
final class ShutdownReport {
  private ShutdownReport() {}

  /** Prints the line when any event failed or was dropped; prints nothing otherwise. */
  static void print(ExporterStats stats, String shutdownReason, @Nullable String lastFailure) {
    String line = line(stats, shutdownReason, lastFailure);
    if (line == null) {
      return;
    }
    PrintStream err = System.err;
    err.println(line);
    err.flush();
  }

  /** Why events were not delivered: the shutdown's reason, else the last failure, else how. */
  static String reason(String shutdownReason, @Nullable String lastFailure, ExporterStats stats) {
    return !shutdownReason.isEmpty()
        ? shutdownReason
        : lastFailure != null ? lastFailure : ends(stats);
  }

  /** How the undelivered events ended: "2 failed, 1 oversized"; empty when none did. */
  static String ends(ExporterStats stats) {
    StringBuilder b = new StringBuilder();
    String sep = "";
    if (stats.failed() > 0) {
      b.append(stats.failed()).append(" failed");
      sep = ", ";
    }
    for (Map.Entry<DropReason, Long> e : stats.dropped().entrySet()) {
      if (e.getValue() > 0) {
        b.append(sep).append(e.getValue()).append(' ').append(e.getKey().tag());
        sep = ", ";
      }
    }
    return b.toString();
  }

  /** Logs the warning of a shutdown deadline that left {@code abandoned} events undelivered. */
  static void logDeadline(ExporterStats s, String why, long abandoned) {
    if (abandoned > 0) {
      ExporterMetrics.LOG.warn(
          "Braintrust exporter: {}; {} event(s) not delivered ({} {}, {} {}, {} {})",
          why,
          abandoned,
          s.dropped(DropReason.IN_FLIGHT_AT_DEADLINE),
          DropReason.IN_FLIGHT_AT_DEADLINE.tag(),
          s.dropped(DropReason.SHUTDOWN_DEADLINE),
          DropReason.SHUTDOWN_DEADLINE.tag(),
          s.dropped(DropReason.LEFT_IN_SPOOL),
          DropReason.LEFT_IN_SPOOL.tag());
    }
  }

  /** The line, or null when everything submitted was delivered. */
  static @Nullable String line(
      ExporterStats stats, String shutdownReason, @Nullable String lastFailure) {
    long lost = stats.failed() + stats.droppedTotal();
    if (lost == 0) {
      return null;
    }
    StringBuilder b =
        new StringBuilder("braintrust-reactive: exporter shut down with ")
            .append(lost)
            .append(" of ")
            .append(stats.submitted())
            .append(" event(s) not delivered (")
            .append(ends(stats));
    b.append(')');
    if (!shutdownReason.isEmpty()) {
      b.append("; ").append(shutdownReason);
    }
    if (stats.failed() > 0 && lastFailure != null && !lastFailure.isEmpty()) {
      b.append("; last failure: ").append(lastFailure);
    }
    return b.toString();
  }
}

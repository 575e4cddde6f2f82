package dev.braintrust.reactive.eval.internal;

import java.io.PrintStream;
import org.jspecify.annotations.Nullable;

/**
 * Prints how many case runs are done. On a terminal one line is redrawn in place; otherwise (CI
 * logs, files) a line is printed at every tenth of the total, or every 100 runs when the total is
 * unknown. Called from one thread at a time (the runner serialises outcomes onto one worker).
 */
public final class Progress {
  private final @Nullable PrintStream out;
  private final String label;
  private final long total;
  private final boolean terminal;
  private long done;
  private long lastPrinted = -1;

  /** Progress of {@code total} runs (0 when unknown) printed to {@code out} (null: nothing). */
  public Progress(@Nullable PrintStream out, String label, long total, boolean terminal) {
    this.out = out;
    this.label = label;
    this.total = total;
    this.terminal = terminal;
  }

  /** One more run done. */
  public void step() {
    done++;
    if (out == null) {
      return;
    }
    if (terminal) {
      out.print("\r" + line());
      out.flush();
      return;
    }
    long every = total > 0 ? Math.max(1, total / 10) : 100;
    if (done % every == 0 || done == total) {
      out.println(line());
      lastPrinted = done;
    }
  }

  /** Ends the progress output. */
  public void finish() {
    if (out == null) {
      return;
    }
    if (terminal) {
      out.println();
    } else if (lastPrinted != done) {
      out.println(line());
    }
  }

  private String line() {
    if (total <= 0) {
      return label + ": " + done + " runs";
    }
    int width = 30;
    int filled = (int) (width * done / total);
    return label
        + " ["
        + "#".repeat(filled)
        + " ".repeat(width - filled)
        + "] "
        + done
        + "/"
        + total;
  }
}

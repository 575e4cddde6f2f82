package dev.braintrust.reactive.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Gemini wrapper's cost on the calling thread, measured as {@link OpenAIInterleaved} measures
 * the OpenAI wrapper's: blocks of calls alternate between the unwrapped and the wrapped client
 * (ABBA), and each block records the calling thread's CPU time and allocated bytes per call (the
 * clocks that barely move with other load on the machine), plus wall time. Medians over the pairs
 * are printed; {@code main(pairs, callsPerBlock, warmup)} runs it standalone.
 */
final class GeminiInterleaved {
  private GeminiInterleaved() {}

  /** Medians per call, unwrapped and wrapped: wall µs, caller CPU µs, caller bytes. */
  record Result(
      double wallPlain,
      double wallWrapped,
      double callerPlain,
      double callerWrapped,
      double allocPlain,
      double allocWrapped,
      int pairs,
      int callsPerBlock) {
    String markdown() {
      return String.format(
          Locale.ROOT,
          "## Gemini client: one non-streaming generateContent, wrapped vs unwrapped (lower is"
              + " better)%n%n| measure (median of %d ABBA pairs, %d calls per block) | unwrapped |"
              + " `BraintrustGemini.wrap` | added |%n|---|---|---|---|%n"
              + "| wall µs/call | %.1f | %.1f | %+.1f µs |%n"
              + "| caller-thread CPU µs/call | %.1f | %.1f | %+.1f µs |%n"
              + "| caller-thread bytes/call | %.0f | %.0f | %+.0f B |%n",
          pairs,
          callsPerBlock,
          wallPlain,
          wallWrapped,
          wallWrapped - wallPlain,
          callerPlain,
          callerWrapped,
          callerWrapped - callerPlain,
          allocPlain,
          allocWrapped,
          allocWrapped - allocPlain);
    }
  }

  static Result run(int pairs, int callsPerBlock, int warmup) {
    GeminiWrapperBenchmark b = new GeminiWrapperBenchmark();
    b.setUp();
    try {
      for (int i = 0; i < warmup; i++) {
        if ((i & 1) == 0) {
          b.unwrapped();
        } else {
          b.wrapped();
        }
      }
      b.exporter.flush().block(Duration.ofSeconds(30));
      List<double[]> plain = new ArrayList<>();
      List<double[]> wrapped = new ArrayList<>();
      for (int p = 0; p < pairs; p++) {
        if ((p & 1) == 0) {
          plain.add(block(b, false, callsPerBlock));
          wrapped.add(block(b, true, callsPerBlock));
        } else {
          wrapped.add(block(b, true, callsPerBlock));
          plain.add(block(b, false, callsPerBlock));
        }
      }
      return new Result(
          median(plain, 0),
          median(wrapped, 0),
          median(plain, 1),
          median(wrapped, 1),
          median(plain, 2),
          median(wrapped, 2),
          pairs,
          callsPerBlock);
    } finally {
      b.tearDown();
    }
  }

  /** Wall µs, caller CPU µs and caller bytes per call over one block. */
  private static double[] block(GeminiWrapperBenchmark b, boolean wrapped, int calls) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long caller0 = threads.getCurrentThreadCpuTime();
    long alloc0 = threads.getCurrentThreadAllocatedBytes();
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      if (wrapped) {
        b.wrapped();
      } else {
        b.unwrapped();
      }
    }
    long t1 = System.nanoTime();
    long caller1 = threads.getCurrentThreadCpuTime();
    long alloc1 = threads.getCurrentThreadAllocatedBytes();
    if (wrapped) {
      // Not the caller's cost; keeps the exporter's buffer from filling across blocks.
      b.exporter.flush().block(Duration.ofSeconds(30));
    }
    return new double[] {
      (t1 - t0) / 1e3 / calls, (caller1 - caller0) / 1e3 / calls, (double) (alloc1 - alloc0) / calls
    };
  }

  private static double median(List<double[]> rows, int column) {
    List<Double> values = new ArrayList<>();
    rows.forEach(r -> values.add(r[column]));
    return Stats.of(values).median();
  }

  /**
   * Runs the measurement and prints its table: {@code pairs callsPerBlock warmup} (defaults 20 200
   * 2000).
   *
   * @param args optional pairs, calls per block and warmup calls
   */
  public static void main(String[] args) {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    System.out.println(run(pairs, calls, warmup).markdown());
  }
}

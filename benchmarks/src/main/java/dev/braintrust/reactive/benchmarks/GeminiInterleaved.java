package dev.braintrust.reactive.benchmarks;

import java.util.Locale;

/**
 * The Gemini wrapper's cost on the calling thread, standalone: {@link WrapperInterleaved} over
 * {@link GeminiWrapperBenchmark}, as the harness's {@code gemini} row measures it, printed as a
 * table. {@code main(pairs, callsPerBlock, warmup)}.
 */
final class GeminiInterleaved {
  private GeminiInterleaved() {}

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
    GeminiWrapperBenchmark b = new GeminiWrapperBenchmark();
    b.setUp();
    try {
      WrapperInterleaved.Result r =
          WrapperInterleaved.run(
              new WrapperInterleaved.Clients() {
                @Override
                public Object unwrapped() {
                  return b.unwrapped();
                }

                @Override
                public Object wrapped() {
                  return b.wrapped();
                }

                @Override
                public void flush() {
                  WrapperInterleaved.flush(b.exporter);
                }
              },
              pairs,
              calls,
              warmup);
      System.out.printf(
          Locale.ROOT,
          "| median of %d ABBA pairs, %d calls per block | unwrapped | wrapped | added |%n"
              + "|---|---|---|---|%n"
              + "| wall µs/call | %.1f | %.1f | |%n"
              + "| caller-thread CPU µs/call | %.1f | %.1f | %s |%n"
              + "| caller-thread bytes/call | %.0f | %.0f | %s |%n",
          pairs,
          calls,
          r.wallPlain(),
          r.wallWrapped(),
          r.cpuPlain(),
          r.cpuWrapped(),
          r.addedCpu().format("%+.1f"),
          r.bytesPlain(),
          r.bytesWrapped(),
          r.addedBytes().format("%+.0f"));
    } finally {
      b.tearDown();
    }
  }
}

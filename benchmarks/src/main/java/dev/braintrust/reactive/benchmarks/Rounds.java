package dev.braintrust.reactive.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs named measurements in interleaved rounds: every round runs each measurement once, starting
 * one further along the list each round (so no measurement always follows the same one), with a GC
 * in between. Round {@code i} of one measurement and round {@code i} of another ran side by side,
 * so their ratio is a fair pair even when the machine's load drifts.
 */
final class Rounds {
  private Rounds() {}

  /** One measurement, run once per round. */
  @FunctionalInterface
  interface Measurement<R> {
    R run() throws Exception;
  }

  /** Each measurement's results, by name, in round order. */
  static <R> Map<String, List<R>> run(String label, int rounds, Map<String, Measurement<R>> all)
      throws Exception {
    List<String> names = new ArrayList<>(all.keySet());
    Map<String, List<R>> out = new LinkedHashMap<>();
    for (String name : names) {
      out.put(name, new ArrayList<>());
    }
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < names.size(); k++) {
        String name = names.get((round + k) % names.size());
        System.gc();
        long t0 = System.nanoTime();
        R r = all.get(name).run();
        out.get(name).add(r);
        System.out.printf(
            Locale.ROOT,
            "[%s] round %d/%d %s: %s (%.1f s)%n",
            label,
            round + 1,
            rounds,
            name,
            r,
            (System.nanoTime() - t0) / 1e9);
      }
    }
    return out;
  }
}

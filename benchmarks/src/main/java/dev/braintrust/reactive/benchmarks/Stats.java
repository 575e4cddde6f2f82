package dev.braintrust.reactive.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The median of a set of rounds with its range, and percentiles of latency samples. Figures are
 * reported as medians, never best rounds, so the same command on the same machine gives the same
 * headline; ratios are taken per round (pairs that ran side by side) and then summarised.
 */
record Stats(double median, double min, double max, int n) {
  /** The median and range of {@code values} (NaN for none; NaN values are left out). */
  static Stats of(List<Double> values) {
    double[] v =
        values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).toArray();
    if (v.length == 0) {
      return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    Arrays.sort(v);
    int n = v.length;
    double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return new Stats(median, v[0], v[n - 1], n);
  }

  /** The median and range of one figure of each round. */
  static <T> Stats of(List<T> rounds, ToDoubleFunction<T> figure) {
    List<Double> v = new ArrayList<>(rounds.size());
    for (T r : rounds) {
      v.add(figure.applyAsDouble(r));
    }
    return of(v);
  }

  /**
   * Per-round ratios {@code a[i] / b[i]} of two lists measured in the same rounds, summarised: the
   * median ratio, not the ratio of medians.
   */
  static <A, B> Stats ratio(List<A> a, ToDoubleFunction<A> fa, List<B> b, ToDoubleFunction<B> fb) {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      v.add(fa.applyAsDouble(a.get(i)) / fb.applyAsDouble(b.get(i)));
    }
    return of(v);
  }

  /** The median alone, with a format such as {@code "%,.0f"}. */
  String med(String format) {
    return Double.isNaN(median) ? "-" : String.format(Locale.ROOT, format, median);
  }

  /**
   * {@code "median (min-max)"} with a format such as {@code "%,.0f"}; the range is left out for one
   * round.
   */
  String format(String format) {
    if (n == 0) {
      return "-";
    }
    String m = String.format(Locale.ROOT, format, median);
    if (n == 1) {
      return m;
    }
    return m
        + " ("
        + String.format(Locale.ROOT, format, min)
        + "–"
        + String.format(Locale.ROOT, format, max)
        + ")";
  }

  /** Like {@link #format} with the median in bold, for headline ratios. */
  String bold(String format) {
    if (n == 0) {
      return "-";
    }
    String all = format(format);
    String m = String.format(Locale.ROOT, format, median);
    return "**" + m + "**" + all.substring(m.length());
  }

  /** The value at quantile {@code q} (0-1) of sorted samples, nearest rank. */
  static long percentile(long[] sorted, int count, double q) {
    if (count == 0) {
      return 0;
    }
    int i = (int) Math.ceil(q * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, i))];
  }
}

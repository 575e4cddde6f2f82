package dev.braintrust.reactive.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What an LLM client wrapper costs the thread that makes the call: blocks of calls alternate
 * between the unwrapped and the wrapped client (ABBA, after a warm-up), and each block records the
 * calling thread's CPU time ({@code ThreadMXBean}) and allocated bytes ({@code
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) per call, the clocks that barely move
 * with other load on the machine, plus wall time. The wrapped block's spans are flushed after its
 * clocks stop (the exporter's work is not the caller's). Medians over the blocks.
 */
final class WrapperInterleaved {
  private WrapperInterleaved() {}

  /** The two clients of one benchmark and the exporter behind the wrapped one. */
  interface Clients {
    /** One call through the unwrapped client. */
    Object unwrapped();

    /** The same call through the wrapped client. */
    Object wrapped();

    /** Waits until the wrapped client's spans are exported. */
    void flush();
  }

  /**
   * A wrapper alone: the two clients are stubs answering at once, so a call costs a few µs and the
   * wrapper's share of it is measured without the SDK's work or a network.
   */
  interface Alone extends Clients, AutoCloseable {
    /** Closes the exporter behind the wrapped stub. */
    @Override
    void close();
  }

  /**
   * Medians per call, unwrapped and wrapped: wall µs, caller CPU µs, caller bytes; and what the
   * wrapper added, wrapped minus unwrapped within each pair (median and range over the pairs: the
   * two blocks of a pair ran under the same load, so their difference is steadier than the
   * difference of the medians).
   */
  record Result(
      double wallPlain,
      double wallWrapped,
      double cpuPlain,
      double cpuWrapped,
      double bytesPlain,
      double bytesWrapped,
      Stats addedCpu,
      Stats addedBytes,
      int pairs,
      int callsPerBlock) {}

  static Result run(Clients c, int pairs, int callsPerBlock, int warmup) {
    for (int i = 0; i < warmup; i++) {
      Object ignored = (i & 1) == 0 ? c.unwrapped() : c.wrapped();
    }
    c.flush();
    List<double[]> plain = new ArrayList<>();
    List<double[]> wrapped = new ArrayList<>();
    for (int p = 0; p < pairs; p++) {
      if ((p & 1) == 0) {
        plain.add(block(c::unwrapped, callsPerBlock));
        wrapped.add(block(c::wrapped, callsPerBlock));
      } else {
        wrapped.add(block(c::wrapped, callsPerBlock));
        plain.add(block(c::unwrapped, callsPerBlock));
      }
      // Not the caller's cost; keeps the exporter's buffer from filling across blocks.
      c.flush();
    }
    return new Result(
        median(plain, 0),
        median(wrapped, 0),
        median(plain, 1),
        median(wrapped, 1),
        median(plain, 2),
        median(wrapped, 2),
        added(plain, wrapped, 1),
        added(plain, wrapped, 2),
        pairs,
        callsPerBlock);
  }

  /** Wall µs, caller CPU µs and caller bytes per call over one block. */
  private static double[] block(Supplier<Object> call, int calls) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long bytes0 = threads.getCurrentThreadAllocatedBytes();
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      call.get();
    }
    long t1 = System.nanoTime();
    long cpu1 = threads.getCurrentThreadCpuTime();
    long bytes1 = threads.getCurrentThreadAllocatedBytes();
    return new double[] {
      (t1 - t0) / 1e3 / calls, (cpu1 - cpu0) / 1e3 / calls, (double) (bytes1 - bytes0) / calls
    };
  }

  private static Stats added(List<double[]> plain, List<double[]> wrapped, int column) {
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < plain.size(); i++) {
      values.add(wrapped.get(i)[column] - plain.get(i)[column]);
    }
    return Stats.of(values);
  }

  private static double median(List<double[]> rows, int column) {
    List<Double> values = new ArrayList<>();
    rows.forEach(r -> values.add(r[column]));
    return Stats.of(values).median();
  }

  /** Flushes {@code exporter}, for {@link Clients#flush()}. */
  static void flush(dev.braintrust.reactive.core.export.BraintrustExporter exporter) {
    exporter.flush().block(Duration.ofSeconds(30));
  }
}

package dev.braintrust.reactive.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI wrapper's cost measured so that other load on a shared machine cancels out: blocks of
 * calls alternate between the unwrapped and the wrapped client (ABBA, so drift hits both), and each
 * block is timed by the wall clock and by the process's CPU time (every thread: the caller, OkHttp,
 * the canned server, the exporter's encoder, GC). CPU time moves less than wall time when other
 * processes compete for the cores; the median of the per-pair ratios is reported. The calling
 * thread's own CPU time and allocation show what the wrapper adds where the caller waits.
 */
final class OpenAIInterleaved {
  private OpenAIInterleaved() {}

  /**
   * Medians per call, unwrapped and wrapped: wall µs, process CPU µs, the calling thread's CPU µs
   * and allocated bytes; and the wall and process CPU ratios per pair (median and range).
   */
  record Result(
      double wallPlain,
      double wallWrapped,
      double cpuPlain,
      double cpuWrapped,
      double callerPlain,
      double callerWrapped,
      double allocPlain,
      double allocWrapped,
      Stats wallRatio,
      Stats cpuRatio,
      int pairs,
      int callsPerBlock) {}

  static Result run(int pairs, int callsPerBlock, int warmup) {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    OpenAIWrapperBenchmark b = new OpenAIWrapperBenchmark();
    b.setUp();
    try {
      for (int i = 0; i < warmup; i++) {
        if ((i & 1) == 0) {
          b.unwrapped();
        } else {
          b.wrapped();
        }
      }
      List<Double> wallPlain = new ArrayList<>();
      List<Double> wallWrapped = new ArrayList<>();
      List<Double> cpuPlain = new ArrayList<>();
      List<Double> cpuWrapped = new ArrayList<>();
      List<Double> callerPlain = new ArrayList<>();
      List<Double> callerWrapped = new ArrayList<>();
      List<Double> allocPlain = new ArrayList<>();
      List<Double> allocWrapped = new ArrayList<>();
      List<Double> wallRatio = new ArrayList<>();
      List<Double> cpuRatio = new ArrayList<>();
      for (int p = 0; p < pairs; p++) {
        double[] plain;
        double[] wrapped;
        if ((p & 1) == 0) {
          plain = block(b, false, callsPerBlock, os);
          wrapped = block(b, true, callsPerBlock, os);
        } else {
          wrapped = block(b, true, callsPerBlock, os);
          plain = block(b, false, callsPerBlock, os);
        }
        wallPlain.add(plain[0]);
        cpuPlain.add(plain[1]);
        wallWrapped.add(wrapped[0]);
        cpuWrapped.add(wrapped[1]);
        callerPlain.add(plain[2]);
        callerWrapped.add(wrapped[2]);
        allocPlain.add(plain[3]);
        allocWrapped.add(wrapped[3]);
        wallRatio.add(wrapped[0] / plain[0]);
        cpuRatio.add(wrapped[1] / plain[1]);
      }
      return new Result(
          median(wallPlain),
          median(wallWrapped),
          median(cpuPlain),
          median(cpuWrapped),
          median(callerPlain),
          median(callerWrapped),
          median(allocPlain),
          median(allocWrapped),
          Stats.of(wallRatio),
          Stats.of(cpuRatio),
          pairs,
          callsPerBlock);
    } finally {
      b.tearDown();
    }
  }

  /** Wall, process CPU and caller CPU microseconds, and caller bytes, per call over one block. */
  private static double[] block(
      OpenAIWrapperBenchmark b,
      boolean wrapped,
      int calls,
      com.sun.management.OperatingSystemMXBean os) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long cpu0 = os.getProcessCpuTime();
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
    long caller1 = threads.getCurrentThreadCpuTime();
    long alloc1 = threads.getCurrentThreadAllocatedBytes();
    if (wrapped) {
      // The exporter's background work for this block's spans belongs to this block.
      b.exporter.flush().block(java.time.Duration.ofSeconds(30));
    }
    long t1 = System.nanoTime();
    long cpu1 = os.getProcessCpuTime();
    return new double[] {
      (t1 - t0) / 1e3 / calls,
      (cpu1 - cpu0) / 1e3 / calls,
      (caller1 - caller0) / 1e3 / calls,
      (double) (alloc1 - alloc0) / calls
    };
  }

  /**
   * What the wrapper alone costs, per call: the caller's CPU µs and bytes, the exporter threads'
   * CPU µs.
   */
  record Own(double callerCpu, double callerBytes, double exporterCpu) {}

  /**
   * The wrapper around a client stub that answers at once with a parsed completion: no network, no
   * server, so the calling thread's CPU and allocation are the wrapper's, and the exporter's
   * threads' CPU is the encoding of its rows. Thread CPU clocks, unlike wall time, barely depend on
   * what else runs on the machine.
   */
  static Own withoutNetwork(int calls) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    OpenAIWrapperBenchmark b = new OpenAIWrapperBenchmark();
    b.setUp();
    try {
      com.openai.client.OpenAIClient traced =
          dev.braintrust.reactive.instrumentation.openai.BraintrustOpenAI.wrap(
              OpenAIWrapperBenchmark.stubClient(),
              dev.braintrust.reactive.core.Tracer.create(
                  b.exporter, dev.braintrust.reactive.core.Destination.projectLogs("bench")));
      double[] last = null;
      // Rounds until the JIT has settled; the last round is reported. Each round is flushed before
      // the next so the buffer never overflows (a stub is far faster than the exporter).
      for (int round = 0; round < 6; round++) {
        long exporter0 = exporterCpu(threads);
        long cpu0 = threads.getCurrentThreadCpuTime();
        long alloc0 = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
          traced.chat().completions().create(OpenAIWrapperBenchmark.PARAMS);
          if (i % 5_000 == 4_999) {
            // Keep well under the buffer's capacity; the flush wait is not the caller's CPU.
            long c = threads.getCurrentThreadCpuTime();
            long a = threads.getCurrentThreadAllocatedBytes();
            b.exporter.flush().block(java.time.Duration.ofSeconds(30));
            cpu0 += threads.getCurrentThreadCpuTime() - c;
            alloc0 += threads.getCurrentThreadAllocatedBytes() - a;
          }
        }
        long cpu1 = threads.getCurrentThreadCpuTime();
        long alloc1 = threads.getCurrentThreadAllocatedBytes();
        b.exporter.flush().block(java.time.Duration.ofSeconds(30));
        long exporter1 = exporterCpu(threads);
        last =
            new double[] {
              (cpu1 - cpu0) / 1e3 / calls,
              (double) (alloc1 - alloc0) / calls,
              (exporter1 - exporter0) / 1e3 / calls
            };
      }
      return new Own(last[0], last[1], last[2]);
    } finally {
      b.tearDown();
    }
  }

  private static long exporterCpu(com.sun.management.ThreadMXBean threads) {
    long total = 0;
    for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null && t.getThreadName().startsWith("braintrust-")) {
        total += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
      }
    }
    return total;
  }

  private static double median(List<Double> values) {
    return Stats.of(values).median();
  }
}

package dev.braintrust.reactive.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** Peak heap in use during a run: every heap pool's peak, reset at the start. */
final class HeapProbe {
  private HeapProbe() {}

  static void reset() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  /** Sum of heap pool peaks, in MiB. */
  static long peakMiB() {
    long total = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        total += p.getPeakUsage().getUsed();
      }
    }
    return total / (1024 * 1024);
  }
}

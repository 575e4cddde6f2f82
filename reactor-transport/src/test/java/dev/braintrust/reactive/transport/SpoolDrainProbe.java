package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.core.export.SpoolOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Run in a small-heap child JVM: spools {@code events} rows of {@code rowBytes} each while the
 * server is down (gzip on, a byte budget), prints {@code spooled}, waits for a line on its input
 * (the server is back), drains, and prints the outcome; with {@code measure}, also the live heap
 * before the exporter starts and the most found live (by full collections) while it works.
 */
public final class SpoolDrainProbe {
  private SpoolDrainProbe() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String key = args[1];
    Destination dest = Destination.projectLogs(args[2]);
    Path dir = Path.of(args[3]);
    int events = Integer.parseInt(args[4]);
    int rowBytes = Integer.parseInt(args[5]);
    long capacityBytes = Long.parseLong(args[6]);
    boolean measure = args.length > 7 && args[7].equals("measure");
    long started = System.nanoTime();

    BraintrustClient client =
        BraintrustClient.builder().apiKey(key).baseUrl(url).gzip(true).maxRetries(1).build();
    BraintrustExporter exporter =
        BraintrustExporter.builder(client)
            .capacityBytes(capacityBytes)
            .overflowPolicy(OverflowPolicy.block(Duration.ofMinutes(2)))
            .spool(SpoolOptions.builder(dir).maxDiskBytes(1L << 30).build())
            .build();
    // The heap the JVM holds before the exporter does anything, as found by a full collection.
    long baseline = measure ? liveHeap() : 0;
    AtomicLong peak = new AtomicLong();
    if (measure) {
      sampleLiveHeap(peak);
    }
    Random random = new Random(42);
    for (int i = 0; i < events; i++) {
      exporter.accept(
          BraintrustEvent.builder(dest, "d-" + i).input(text(random, rowBytes)).build());
    }
    while (exporter.stats().accepted() < events) {
      LockSupport.parkNanos(10_000_000);
    }
    System.out.println("spooled " + events + " in " + millisSince(started) + " ms");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    long drain = System.nanoTime();
    exporter.flush().block(Duration.ofMinutes(2));
    ExporterStats s = exporter.stats();
    exporter.shutdown(Duration.ofSeconds(10)).block(Duration.ofSeconds(30));
    System.out.println(
        "delivered " + s.delivered() + " failed " + s.failed() + " dropped " + s.droppedTotal());
    System.out.println("drained in " + millisSince(drain) + " ms");
    if (measure) {
      System.out.println("live heap baseline " + baseline + " peak " + peak.get());
    }
    System.out.flush();
    System.exit(0);
  }

  /** Text that compresses about as well as real model output: words from a small vocabulary. */
  static String text(Random random, int bytes) {
    StringBuilder b = new StringBuilder(bytes);
    while (b.length() < bytes) {
      int len = 2 + random.nextInt(8);
      for (int i = 0; i < len; i++) {
        b.append((char) ('a' + random.nextInt(26)));
      }
      b.append(' ');
    }
    b.setLength(bytes);
    return b.toString();
  }

  static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** Heap in use right after a full collection: what is live. */
  static long liveHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Samples the live heap (a full collection each time) until the process ends. */
  private static void sampleLiveHeap(AtomicLong peak) {
    Thread t =
        new Thread(
            () -> {
              for (; ; ) {
                peak.accumulateAndGet(liveHeap(), Math::max);
                LockSupport.parkNanos(50_000_000);
              }
            },
            "live-heap-sampler");
    t.setDaemon(true);
    t.start();
  }
}

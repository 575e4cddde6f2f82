package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.FsyncPolicy;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.core.export.SpoolOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Run in a child JVM and killed with SIGKILL: spools events {@code k-0}, {@code k-1}... in order,
 * at the pace the server takes them, and prints {@code accepted N} as they are written (the spool
 * writes in order and, with a blocking policy, drops nothing, so {@code k-0} to {@code k-(N-1)} are
 * on disk).
 */
public final class SpoolKillProbe {
  private SpoolKillProbe() {}

  public static void main(String[] args) {
    String url = args[0];
    String key = args[1];
    Destination dest = Destination.projectLogs(args[2]);
    Path dir = Path.of(args[3]);
    int events = Integer.parseInt(args[4]);
    long segmentBytes = args.length > 5 ? Long.parseLong(args[5]) : 256 * 1024;
    BraintrustExporter exporter =
        BraintrustExporter.builder(BraintrustClient.builder().apiKey(key).baseUrl(url).build())
            .capacity(1_000)
            .maxBatchEvents(200)
            .flushInterval(Duration.ofMillis(100))
            .overflowPolicy(OverflowPolicy.block(Duration.ofMinutes(5)))
            // Small segments by default, so acknowledged ones are deleted while it runs; a
            // sixth argument of 0 keeps the default size (one open segment in a short run).
            .spool(
                (segmentBytes > 0
                        ? SpoolOptions.builder(dir).segmentBytes(segmentBytes)
                        : SpoolOptions.builder(dir))
                    .fsync(FsyncPolicy.never())
                    .build())
            .build();
    long printed = -1;
    for (int i = 0; ; i++) {
      // Production keeps pace with delivery (at most 3,000 ahead), so the kill lands mid-run.
      while (i < events && i - exporter.stats().delivered() > 3_000) {
        LockSupport.parkNanos(1_000_000);
      }
      if (i < events) {
        exporter.accept(
            BraintrustEvent.builder(dest, "k-" + i)
                .input("question " + i)
                .output("answer " + i)
                .metric("tokens", i)
                .build());
      } else {
        // Everything is produced: keep reporting while the exporter sends, until killed.
        LockSupport.parkNanos(5_000_000);
      }
      if (i % 100 == 0 || i >= events) {
        long accepted = exporter.stats().accepted();
        if (accepted != printed) {
          System.out.println("accepted " + accepted);
          System.out.flush();
          printed = accepted;
        }
      }
    }
  }
}

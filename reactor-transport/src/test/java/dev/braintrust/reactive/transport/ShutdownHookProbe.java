package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import java.time.Duration;

/**
 * Run in a child JVM: buffers events, then exits without closing; the shutdown hook must deliver.
 */
public final class ShutdownHookProbe {
  private ShutdownHookProbe() {}

  public static void main(String[] args) {
    String url = args[0];
    String key = args[1];
    String projectId = args[2];
    int n = Integer.parseInt(args[3]);
    BraintrustExporter exporter =
        BraintrustExporter.builder(BraintrustClient.builder().apiKey(key).baseUrl(url).build())
            .flushInterval(Duration.ofHours(1))
            .registerShutdownHook(true)
            .build();
    for (int i = 0; i < n; i++) {
      exporter.accept(
          BraintrustEvent.builder(Destination.projectLogs(projectId), "hook-" + i)
              .input(i)
              .build());
    }
    System.exit(0);
  }
}

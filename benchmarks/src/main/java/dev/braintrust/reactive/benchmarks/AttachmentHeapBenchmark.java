package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentStats;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.DropReason;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Live heap while spans carrying 20 MiB PDFs are produced faster than a slow object store takes
 * them (each signed-URL PUT answered after {@code delayMs}): the rows held for their uploads
 * reserve at most the attachment byte budget, rows that don't fit go on at once without holding
 * their content, so the live heap over the baseline should stay within the budget plus a fixed
 * allowance, however many PDFs are produced. Each PDF is a fresh array the producer drops after
 * logging, as an application would.
 *
 * <p>Run: {@code java -Xmx1g -cp <benchmarks class path>
 * dev.braintrust.reactive.benchmarks.AttachmentHeapBenchmark [seconds] [budgetMiB] [delayMs]}.
 * Prints one markdown row for BENCHMARKS.md.
 */
public final class AttachmentHeapBenchmark {
  private static final int PDF_BYTES = 20 * 1024 * 1024;
  private static final double MIB = 1024.0 * 1024.0;

  private AttachmentHeapBenchmark() {}

  /**
   * Runs once and prints the row.
   *
   * @param args seconds to produce (default 20), budget in MiB (default 64), PUT delay in ms
   *     (default 500)
   */
  public static void main(String[] args) {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    long budgetMiB = args.length > 1 ? Long.parseLong(args[1]) : 64;
    long delayMs = args.length > 2 ? Long.parseLong(args[2]) : 500;
    try (BraintrustTestServer server = BraintrustTestServer.builder().retainRows(false).build()) {
      server.start();
      server
          .faults()
          .everyNth(1, Fault.delay(Duration.ofMillis(delayMs)).onPathContaining("/blobs/"));
      double baseline = LiveHeapBenchmark.liveMiB();
      BraintrustClient client =
          BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
      List<Double> samples = new ArrayList<>();
      long maxHeldBytes = 0;
      long produced = 0;
      AttachmentStats att;
      ExporterStats stats;
      try (BraintrustExporter exporter =
          BraintrustExporter.builder(client)
              .attachmentUploads(budgetMiB * 1024 * 1024, 4)
              .build()) {
        Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("attachment-heap"));
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
          byte[] pdf = new byte[PDF_BYTES];
          Arrays.fill(pdf, (byte) produced);
          Span s = tracer.startSpan("pdf-" + produced, SpanType.TASK);
          s.log(Log.builder().input(Attachment.of(pdf, "application/pdf")).build());
          s.end();
          produced++;
          maxHeldBytes = Math.max(maxHeldBytes, exporter.attachmentStats().heldBytes());
          if (produced % 4 == 0) {
            samples.add(LiveHeapBenchmark.liveMiB() - baseline);
          }
        }
        exporter.flush().block(Duration.ofMinutes(2));
        att = exporter.attachmentStats();
        stats = exporter.stats();
      }
      samples.sort(Double::compare);
      double median = samples.isEmpty() ? 0 : samples.get(samples.size() / 2);
      double max = samples.isEmpty() ? 0 : samples.get(samples.size() - 1);
      System.out.printf(
          Locale.ROOT,
          "| Attachments: 20 MiB PDFs, PUT delayed %d ms, budget %d MiB, %d s | %d PDFs produced, "
              + "%d uploaded, %d over budget, %d failed; held at most %.1f MiB; live heap over "
              + "baseline median %.1f MiB, max %.1f MiB (%d samples); %d rows delivered, %d "
              + "oversized |%n",
          delayMs,
          budgetMiB,
          seconds,
          produced,
          att.uploaded(),
          att.overBudget(),
          att.uploadFailed(),
          maxHeldBytes / MIB,
          median,
          max,
          samples.size(),
          stats.delivered(),
          stats.dropped(DropReason.OVERSIZED));
    }
  }
}

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
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Live heap while spans carrying 20 MiB PDFs are produced faster than a slow object store takes
 * them (each signed-URL PUT answered after {@code bench.attach.delayMs}): the rows held for their
 * uploads reserve at most the attachment byte budget, rows that don't fit go on at once without
 * holding their content, so the live heap over the baseline should stay within the budget plus a
 * fixed allowance, however many PDFs are produced. Each PDF is a fresh array the producer drops
 * after logging, as an application would.
 *
 * <p>The server is the in-process testkit built with {@code retainBlobs(false)}: it digests each
 * upload as it arrives and keeps none of it, so the heap measured is the client's. The peer run
 * logs the same PDFs inline (a base64 {@code data:} URI in the row, what a row holds without
 * attachments) into an exporter whose {@code capacityBytes} is the same budget.
 */
final class AttachmentHeapBenchmark {
  static final int PDF_BYTES = 20 * 1024 * 1024;
  private static final double MIB = 1024.0 * 1024.0;

  /**
   * What the live heap may hold over the budget: the PDF the producer is making (a fresh 20 MiB
   * array, reachable from its frame when a sample is taken) plus {@link
   * LiveHeapBenchmark#FIXED_MIB} for the client's event loops and buffer pools, the testkit server
   * and the rows being encoded. A PUT in flight sends the attachment's own array (no copy), so it
   * is already inside the budget; the server reads it into pooled direct buffers, off the heap.
   */
  static final double ALLOWANCE_MIB = PDF_BYTES / MIB + LiveHeapBenchmark.FIXED_MIB;

  /** Uploads at once: the exporter's default. */
  private static final int CONCURRENCY = 4;

  /** One run's counts and live heap samples' summary (MiB over the baseline). */
  record Result(
      String name,
      boolean uploads,
      long budgetBytes,
      long produced,
      long uploaded,
      long overBudget,
      long uploadFailed,
      long maxHeldBytes,
      long delivered,
      long oversized,
      String droppedOther,
      double medianMiB,
      double maxMiB,
      int samples) {
    /** Budget plus {@link #ALLOWANCE_MIB}, in MiB. */
    double limitMiB() {
      return budgetBytes / MIB + ALLOWANCE_MIB;
    }

    /**
     * The attachment run's goal: the median live heap within the limit, never more held than the
     * budget, and every row delivered, none oversized.
     */
    boolean met() {
      return medianMiB <= limitMiB()
          && maxHeldBytes <= budgetBytes
          && oversized == 0
          && droppedOther.equals("0")
          && delivered == produced;
    }
  }

  private AttachmentHeapBenchmark() {}

  /** The attachment run, then the inline peer, after a short unreported warm-up. */
  static List<Result> runAll() throws InterruptedException {
    long budget = Settings.integer("bench.attach.budgetMiB") * 1024L * 1024L;
    Duration duration = Duration.ofSeconds(Settings.integer("bench.attach.seconds"));
    int samples = Settings.integer("bench.attach.samples");
    run("warm-up", true, budget, Duration.ofSeconds(1), 2);
    List<Result> out = new ArrayList<>();
    out.add(run("attachments uploaded", true, budget, duration, samples));
    out.add(run("peer: PDFs inline (data URI), no attachments", false, budget, duration, samples));
    return out;
  }

  /**
   * Produces PDFs for {@code duration}, sampling the live heap {@code samples} times at even
   * intervals and the bytes held for uploads after every PDF.
   */
  static Result run(String name, boolean uploads, long budget, Duration duration, int samples)
      throws InterruptedException {
    long delayMs = Settings.integer("bench.attach.delayMs");
    // The previous run's exporter lets go of its rows a moment after its shutdown returns.
    Thread.sleep(1500);
    try (BraintrustTestServer server =
        BraintrustTestServer.builder().retainRows(false).retainBlobs(false).build()) {
      server.start();
      server
          .faults()
          .everyNth(1, Fault.delay(Duration.ofMillis(delayMs)).onPathContaining("/blobs/"));
      double baseline = LiveHeapBenchmark.liveMiB();
      BraintrustClient client =
          BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
      List<Double> live = new ArrayList<>();
      long maxHeld = 0;
      long produced = 0;
      AttachmentStats att;
      ExporterStats stats;
      BraintrustExporter exporter =
          uploads
              ? BraintrustExporter.builder(client).attachmentUploads(budget, CONCURRENCY).build()
              : BraintrustExporter.builder(client)
                  .attachmentUploads(0, CONCURRENCY)
                  .capacityBytes(budget)
                  .build();
      try {
        Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("attachment-heap"));
        long start = System.nanoTime();
        long step = duration.toNanos() / Math.max(1, samples);
        long next = start + step;
        while (live.size() < samples) {
          byte[] pdf = new byte[PDF_BYTES];
          Arrays.fill(pdf, (byte) produced);
          Object content =
              uploads
                  ? Attachment.of(pdf, "application/pdf")
                  : "data:application/pdf;base64," + Base64.getEncoder().encodeToString(pdf);
          Span s = tracer.startSpan("pdf-" + produced, SpanType.TASK);
          s.log(Log.builder().input(content).build());
          s.end();
          produced++;
          maxHeld = Math.max(maxHeld, exporter.attachmentStats().heldBytes());
          if (System.nanoTime() >= next) {
            live.add(LiveHeapBenchmark.liveMiB() - baseline);
            next += step;
          }
        }
        // The benchmark's own thread: waiting here blocks no library thread.
        exporter.flush().block(Duration.ofMinutes(2));
        att = exporter.attachmentStats();
        stats = exporter.stats();
      } finally {
        exporter.shutdown(Duration.ofSeconds(30)).block();
      }
      Stats s = Stats.of(live);
      return new Result(
          name,
          uploads,
          budget,
          produced,
          att.uploaded(),
          att.overBudget(),
          att.uploadFailed(),
          maxHeld,
          stats.delivered(),
          stats.dropped(DropReason.OVERSIZED),
          otherDrops(stats),
          s.median(),
          s.max(),
          live.size());
    }
  }

  /** Drops for reasons other than oversized, as {@code "13 queue_full"}, or {@code "0"}. */
  private static String otherDrops(ExporterStats stats) {
    StringBuilder out = new StringBuilder();
    for (DropReason r : DropReason.values()) {
      long n = stats.dropped(r);
      if (r != DropReason.OVERSIZED && n > 0) {
        out.append(out.length() == 0 ? "" : ", ")
            .append(String.format(Locale.ROOT, "%,d %s", n, r.tag()));
      }
    }
    return out.length() == 0 ? "0" : out.toString();
  }

  /** The attachment run's goal cell: its figures, and the peer's rows for contrast. */
  static String goal(List<Result> runs) {
    Result a = runs.get(0);
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "median %.0f MiB over baseline, max %.0f (limit %.0f = budget %.0f + %.0f); held at"
                    + " most %.1f MiB; %,d of %,d rows delivered, %,d oversized",
                a.medianMiB(),
                a.maxMiB(),
                a.limitMiB(),
                a.budgetBytes() / MIB,
                ALLOWANCE_MIB,
                a.maxHeldBytes() / MIB,
                a.delivered(),
                a.produced(),
                a.oversized()));
    if (runs.size() > 1) {
      Result p = runs.get(1);
      out.append(
          String.format(
              Locale.ROOT,
              "; inline peer: %,d of %,d rows oversized",
              p.oversized(),
              p.produced()));
    }
    return out.toString();
  }

  /** The attachments table. */
  static String section(List<Result> runs) {
    StringBuilder md = new StringBuilder();
    md.append("## Live heap: 20 MiB PDFs uploaded as attachments (bounded by the byte budget)\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "One thread produces spans for %s s, each logging a fresh 20 MiB PDF (`Attachment.of`"
                    + " bytes); the exporter's attachment budget is %s MiB, %d uploads at once; the"
                    + " object store (testkit, `retainBlobs(false)`: it digests each upload as it"
                    + " arrives and keeps none) answers each PUT after %s ms. A row over the budget is"
                    + " not held: it is sent at once with its reference and no content (`Attachment.of`"
                    + " has no inline original), counted `over_budget`. Live heap as in the bounded"
                    + " buffer table (`System.gc()`, then the heap used after it), sampled %s times"
                    + " per run, over the baseline taken before the client exists. Limit = budget +"
                    + " %.0f MiB: the PDF being produced (20) and the fixed %.0f of the bounded"
                    + " buffer table (client, pools, server); a PUT in flight sends the attachment's"
                    + " own array, already inside the budget. Held = the largest"
                    + " `attachmentStats().heldBytes()`, read after every PDF. The peer logs the same"
                    + " PDFs inline as a base64 `data:` URI (what a row holds without attachments),"
                    + " `capacityBytes` = the budget.\n\n",
                Settings.get("bench.attach.seconds"),
                Settings.get("bench.attach.budgetMiB"),
                CONCURRENCY,
                Settings.get("bench.attach.delayMs"),
                Settings.get("bench.attach.samples"),
                ALLOWANCE_MIB,
                LiveHeapBenchmark.FIXED_MIB))
        .append(
            "| run | PDFs produced | uploaded | over budget | upload failed | held at most MiB |"
                + " rows delivered | oversized | other drops | live over baseline MiB, median"
                + " (max) | limit MiB | within |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Result r : runs) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %,d | %,d | %,d | %s | %,d | %,d | %s | **%.1f** (%.1f) | %s | %s |%n",
              r.name(),
              r.produced(),
              r.uploaded(),
              r.overBudget(),
              r.uploadFailed(),
              r.uploads() ? String.format(Locale.ROOT, "%.1f", r.maxHeldBytes() / MIB) : "-",
              r.delivered(),
              r.oversized(),
              r.droppedOther(),
              r.medianMiB(),
              r.maxMiB(),
              r.uploads() ? String.format(Locale.ROOT, "%.0f", r.limitMiB()) : "-",
              r.uploads() ? (r.met() ? "yes" : "**no**") : "-"));
    }
    return md.toString();
  }
}

// DRAFT for issue 19, not compiled here: move to
// benchmarks/src/main/java/dev/braintrust/reactive/benchmarks/SpoolBenchmark.java and call it from
// BenchmarkMain like EndToEndBenchmark (same sink, same rounds, best round reported).
//
// What it measures: end-to-end events/s (first span started -> flush() acknowledged) of the same
// LLM spans through exporter + Reactor Netty client into the loopback SinkServer, memory only vs.
// the disk spool under each fsync policy; plus what the spool costs at the caller (produce rate),
// the number of fsyncs, bytes written, and the peak heap. A second scenario replays a spool left by
// a killed run (rows/s of replay). Keep the spool directory on the same disk as a real deployment
// would (not tmpfs): report the file system type in the note, since fsync cost is the disk's.
//
// Suggested BenchmarkMain section:
//
//   md.append("## Disk spool: end to end, memory only vs. spool per fsync policy\n\n")
//     .append("| pipeline | events/s | produce events/s | fsyncs | MiB written | peak heap MiB |\n")
//     .append("|---|---|---|---|---|---|\n");
//   for (SpoolBenchmark.Mode m : SpoolBenchmark.Mode.values()) { best of `rounds` runs of
//     SpoolBenchmark.run(m, events, sink) }
//   plus SpoolBenchmark.replay(events, sink) as its own row.

package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.BraintrustExporterBuilder;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.FsyncPolicy;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.core.export.SpoolOptions;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** End-to-end throughput with the disk spool at each fsync policy, against memory only. */
final class SpoolBenchmark {
  /** The pipelines compared. */
  enum Mode {
    MEMORY("memory only", null),
    NEVER("spool, fsync never", FsyncPolicy.never()),
    INTERVAL("spool, fsync every 1 s", FsyncPolicy.interval(Duration.ofSeconds(1))),
    EVERY_BATCH("spool, fsync every batch", FsyncPolicy.everyBatch());

    final String label;
    final FsyncPolicy fsync;

    Mode(String label, FsyncPolicy fsync) {
      this.label = label;
      this.fsync = fsync;
    }
  }

  private SpoolBenchmark() {}

  private static void recordSpan(Tracer tracer) {
    dev.braintrust.reactive.core.Span span = tracer.startSpan("Chat Completion", SpanType.LLM);
    span.log(
        Log.builder()
            .input(Workload.MESSAGES)
            .output(Workload.OUTPUT)
            .metadata("model", "gpt-4o-mini")
            .metadata("user_id", "u-1234")
            .metric("prompt_tokens", 250)
            .metric("completion_tokens", 120)
            .metric("tokens", 370)
            .build());
    span.end();
  }

  private static BraintrustExporterBuilder exporter(SinkServer sink) {
    BraintrustClient client =
        BraintrustClient.builder().apiKey("bench").baseUrl(sink.url()).build();
    // The same settings as EndToEndBenchmark.ours, so the memory row matches that table.
    return BraintrustExporter.builder(client)
        .capacity(20_000)
        .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(60)));
  }

  private static Path spoolDir() throws IOException {
    // -Dbench.spool.dir=/some/real/disk to measure a given device; default: the temp directory.
    String base = System.getProperty("bench.spool.dir", System.getProperty("java.io.tmpdir"));
    return Files.createTempDirectory(Path.of(base), "braintrust-spool-bench");
  }

  /** One run: {@code events} spans, timed until the server acknowledged all of them. */
  static EndToEndBenchmark.Result run(Mode mode, int events, SinkServer sink) throws IOException {
    sink.reset();
    Path dir = mode == Mode.MEMORY ? null : spoolDir();
    BraintrustExporterBuilder b = exporter(sink);
    if (dir != null) {
      b.spool(SpoolOptions.builder(dir).maxDiskBytes(8L << 30).fsync(mode.fsync).build());
    }
    BraintrustExporter ex = b.build();
    Tracer tracer = Tracer.create(ex, Destination.projectLogs("bench"));
    HeapProbe.reset();
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) {
      recordSpan(tracer);
    }
    long produced = System.nanoTime();
    ex.flush().block(Duration.ofMinutes(10));
    double seconds = (System.nanoTime() - start) / 1e9;
    long heap = HeapProbe.peakMiB();
    ExporterStats s = ex.stats();
    double fsyncs =
        dir == null
            ? 0
            : ex.meterRegistry().get("braintrust.spool.fsyncs").functionCounter().count();
    ex.close();
    if (dir != null) {
      delete(dir);
    }
    return new EndToEndBenchmark.Result(
        mode.label,
        s.delivered(),
        seconds,
        sink.bytes.get(),
        heap,
        String.format(
            java.util.Locale.ROOT,
            "produce %.0f events/s, %.0f fsyncs, dropped %d",
            events / ((produced - start) / 1e9),
            fsyncs,
            s.droppedTotal()));
  }

  /**
   * Replay: spools {@code events} spans with the sink unreachable (a base URL nobody listens on),
   * shuts down leaving them on disk, then times a new exporter on the directory until all of them
   * are acknowledged by the sink.
   */
  static EndToEndBenchmark.Result replay(int events, SinkServer sink) throws IOException {
    Path dir = spoolDir();
    BraintrustClient dead =
        BraintrustClient.builder().apiKey("bench").baseUrl("http://127.0.0.1:9").build();
    BraintrustExporter first =
        BraintrustExporter.builder(dead)
            .capacity(20_000)
            .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(60)))
            .spool(SpoolOptions.builder(dir).maxDiskBytes(8L << 30).fsync(FsyncPolicy.never()).build())
            .build();
    Tracer tracer = Tracer.create(first, Destination.projectLogs("bench"));
    for (int i = 0; i < events; i++) {
      recordSpan(tracer);
    }
    while (first.stats().accepted() < events) {
      Thread.onSpinWait();
    }
    first.shutdown(Duration.ofMillis(100)).block();

    sink.reset();
    HeapProbe.reset();
    long start = System.nanoTime();
    BraintrustExporter second = exporter(sink).spool(SpoolOptions.of(dir)).build();
    second.flush().block(Duration.ofMinutes(10));
    double seconds = (System.nanoTime() - start) / 1e9;
    ExporterStats s = second.stats();
    second.close();
    delete(dir);
    return new EndToEndBenchmark.Result(
        "spool replay after a stop (rows/s)",
        s.delivered(),
        seconds,
        sink.bytes.get(),
        HeapProbe.peakMiB(),
        "replayed " + s.submitted());
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

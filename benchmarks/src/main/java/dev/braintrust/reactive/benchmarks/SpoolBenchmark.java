package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.BraintrustExporterBuilder;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.FsyncPolicy;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.core.export.SpoolOptions;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * End to end with the disk spool: the end-to-end workload's LLM spans through the exporter and the
 * Reactor Netty client into the loopback {@link SinkServer}, memory only against the spool at each
 * fsync policy, in interleaved rounds; and the replay of a spool left by a stopped exporter. Counts
 * the spool's fsyncs from the exporter's meters and the bytes the process dirtied in the page cache
 * ({@code /proc/self/io}), since the exporter has no meter of bytes appended.
 */
final class SpoolBenchmark {
  private static final double MIB = 1024.0 * 1024.0;

  /** The disk budget of every spool: large enough that it never fills in these runs. */
  static final long MAX_DISK_BYTES = 4L << 30;

  /** The pipelines compared, in table order. */
  enum Mode {
    MEMORY("memory only", null),
    NEVER("spool, fsync never", FsyncPolicy.never()),
    INTERVAL("spool, fsync every 1 s (default)", FsyncPolicy.interval(Duration.ofSeconds(1))),
    EVERY_BATCH("spool, fsync every batch", FsyncPolicy.everyBatch());

    final String label;
    final @Nullable FsyncPolicy fsync;

    Mode(String label, @Nullable FsyncPolicy fsync) {
      this.label = label;
      this.fsync = fsync;
    }
  }

  static final String REPLAY = "REPLAY";

  /**
   * One measured run: events acknowledged, seconds from the first span to the flush acknowledged,
   * seconds until the producer had handed over its last span, events not delivered, fsyncs, bytes
   * the process dirtied in the page cache (-1 when unknown), seconds {@code close()} took, bytes of
   * segment files left in the directory after it, and the spool's write errors.
   */
  record Run(
      String name,
      long events,
      double seconds,
      double produceSeconds,
      long notDelivered,
      double fsyncs,
      long fileBytes,
      double closeSeconds,
      long leftBytes,
      double writeErrors) {
    double eventsPerSecond() {
      return events / seconds;
    }

    double produceEventsPerSecond() {
      return produceSeconds > 0 ? events / produceSeconds : Double.NaN;
    }

    double fileMiB() {
      return fileBytes < 0 ? Double.NaN : fileBytes / MIB;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%,.0f events/s, produce %,.0f events/s, %.0f fsyncs, %s MiB written,"
              + " close %.2f s, %d not delivered, %d bytes left, %.0f write errors",
          eventsPerSecond(),
          produceEventsPerSecond(),
          fsyncs,
          fileBytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f", fileMiB()),
          closeSeconds,
          notDelivered,
          leftBytes,
          writeErrors);
    }
  }

  /** Every round's runs, by {@link Mode} name (and {@link #REPLAY}), and where the spools were. */
  record Results(Map<String, List<Run>> runs, Path dir, String fileStore, int events, int rounds) {
    List<Run> get(String key) {
      return runs.getOrDefault(key, List.of());
    }
  }

  private SpoolBenchmark() {}

  /** Runs every mode (and the replay, unless turned off) in {@code bench.spool.rounds} rounds. */
  static Results runAll() throws Exception {
    int events = Settings.integer("bench.spool.events");
    int rounds = Settings.integer("bench.spool.rounds");
    Path dir = baseDir();
    String store = describe(Files.getFileStore(dir));
    Map<String, Rounds.Measurement<Run>> all = new LinkedHashMap<>();
    try (SinkServer sink = new SinkServer(Duration.ZERO)) {
      // Not reported: the first client's event loops, the JIT, the first files.
      run(Mode.INTERVAL, Math.min(events, 20_000), sink, dir);
      for (Mode m : Mode.values()) {
        all.put(m.name(), () -> run(m, events, sink, dir));
      }
      if (Boolean.parseBoolean(Settings.get("bench.spool.replay"))) {
        all.put(REPLAY, () -> replay(events, sink, dir));
      }
      return new Results(Rounds.run("spool", rounds, all), dir, store, events, rounds);
    }
  }

  /**
   * {@code bench.spool.dir}, or {@code benchmarks/target/spool-bench} (beside the classes), not the
   * temporary directory, which may be a tmpfs where fsync costs nothing.
   */
  static Path baseDir() throws IOException {
    String configured = Settings.get("bench.spool.dir");
    Path base;
    if (!configured.isEmpty()) {
      base = Path.of(configured);
    } else {
      try {
        Path classes =
            Path.of(
                SpoolBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        base = classes.getParent().resolve("spool-bench");
      } catch (URISyntaxException | RuntimeException e) {
        base = Path.of("target", "spool-bench");
      }
    }
    return Files.createDirectories(base.toAbsolutePath());
  }

  private static String describe(FileStore store) {
    return "`" + store.type() + "` (" + store.name() + ")";
  }

  /** The end-to-end benchmark's exporter: capacity 20,000, {@code block}, client defaults. */
  private static BraintrustExporterBuilder exporter(String url) {
    BraintrustClient client = BraintrustClient.builder().apiKey("bench").baseUrl(url).build();
    return BraintrustExporter.builder(client)
        .capacity(20_000)
        .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(60)));
  }

  private static SpoolOptions spool(Path dir, FsyncPolicy fsync) {
    return SpoolOptions.builder(dir).maxDiskBytes(MAX_DISK_BYTES).fsync(fsync).build();
  }

  /** One run: {@code events} spans, timed from the first until the sink acknowledged them all. */
  static Run run(Mode mode, int events, SinkServer sink, Path base) throws IOException {
    sink.reset();
    Path dir = mode.fsync == null ? null : Files.createTempDirectory(base, mode.name());
    try {
      BraintrustExporterBuilder b = exporter(sink.url());
      if (dir != null) {
        b.spool(spool(dir, mode.fsync));
      }
      long io0 = writeBytes();
      BraintrustExporter ex = b.build();
      Tracer tracer = Tracer.create(ex, Destination.projectLogs("bench"));
      MeterRegistry meters = ex.meterRegistry();
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        EndToEndBenchmark.recordOurs(tracer);
      }
      long produced = System.nanoTime();
      ex.flush().block(Duration.ofMinutes(10));
      long end = System.nanoTime();
      long io1 = writeBytes();
      ExporterStats s = ex.stats();
      double fsyncs = counter(meters, "braintrust.spool.fsyncs");
      double writeErrors = counter(meters, "braintrust.spool.write_errors");
      long c0 = System.nanoTime();
      ex.close();
      double close = (System.nanoTime() - c0) / 1e9;
      return new Run(
          mode.label,
          s.delivered(),
          (end - start) / 1e9,
          (produced - start) / 1e9,
          events - s.delivered(),
          fsyncs,
          io0 < 0 || io1 < 0 ? -1 : io1 - io0,
          close,
          dir == null ? 0 : segmentBytes(dir),
          writeErrors);
    } finally {
      if (dir != null) {
        delete(dir);
      }
    }
  }

  /**
   * Replay: spools {@code events} spans with no server to send to (a port nobody listens on), stops
   * that exporter with them on disk, then times a new exporter opened on the directory from its
   * build until the sink acknowledged all of them (fsync never on both, so the disk's sync cost is
   * left out).
   */
  static Run replay(int events, SinkServer sink, Path base) throws Exception {
    Path dir = Files.createTempDirectory(base, REPLAY);
    try {
      BraintrustExporter first =
          exporter("http://127.0.0.1:" + closedPort())
              .spool(spool(dir, FsyncPolicy.never()))
              .build();
      Tracer tracer = Tracer.create(first, Destination.projectLogs("bench"));
      for (int i = 0; i < events; i++) {
        EndToEndBenchmark.recordOurs(tracer);
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (first.stats().accepted() < events && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      first.shutdown(Duration.ofMillis(100)).block(Duration.ofMinutes(1));
      long spooled = first.stats().accepted();

      sink.reset();
      long io0 = writeBytes();
      long start = System.nanoTime();
      BraintrustExporter second =
          exporter(sink.url()).spool(spool(dir, FsyncPolicy.never())).build();
      MeterRegistry meters = second.meterRegistry();
      second.flush().block(Duration.ofMinutes(10));
      // Should the flush not wait for what an earlier run left, wait for the rows themselves.
      while (second.stats().delivered() < spooled && System.nanoTime() - start < 600e9) {
        Thread.sleep(1);
      }
      long end = System.nanoTime();
      long io1 = writeBytes();
      ExporterStats s = second.stats();
      double fsyncs = counter(meters, "braintrust.spool.fsyncs");
      double writeErrors = counter(meters, "braintrust.spool.write_errors");
      long c0 = System.nanoTime();
      second.close();
      double close = (System.nanoTime() - c0) / 1e9;
      return new Run(
          "spool replay after a stop (rows/s)",
          s.delivered(),
          (end - start) / 1e9,
          0,
          events - s.delivered(),
          fsyncs,
          io0 < 0 || io1 < 0 ? -1 : io1 - io0,
          close,
          segmentBytes(dir),
          writeErrors);
    } finally {
      delete(dir);
    }
  }

  /** A loopback port that was free a moment ago: connecting to it is refused. */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static double counter(MeterRegistry registry, String name) {
    FunctionCounter c = registry.find(name).functionCounter();
    return c == null ? Double.NaN : c.count();
  }

  /**
   * Bytes this process caused to be written to storage ({@code write_bytes} of {@code
   * /proc/self/io}: counted when pages of the page cache are dirtied), or -1 where there is none.
   */
  static long writeBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
        if (line.startsWith("write_bytes:")) {
          return Long.parseLong(line.substring("write_bytes:".length()).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Bytes of the files left in {@code dir} but the lock file. */
  private static long segmentBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> !p.getFileName().toString().contains("lock"))
          .mapToLong(
              p -> {
                try {
                  return Files.isRegularFile(p) ? Files.size(p) : 0;
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** The spool table. */
  static String section(Results r) {
    StringBuilder md = new StringBuilder();
    List<Run> memory = r.get(Mode.MEMORY.name());
    md.append(
            String.format(
                Locale.ROOT,
                "## Disk spool: %,d LLM spans end to end, memory only vs. spool per fsync policy%n%n",
                r.events()))
        .append(
            String.format(
                Locale.ROOT,
                "Median of %d interleaved rounds, (min–max) in brackets; the ratio to memory only is "
                    + "taken per round. Spool directory on %s under `%s`. Events/s: from the first "
                    + "span to the flush acknowledged by the sink; produce: until the producer thread "
                    + "handed over its last span (`block` policy, capacity 20,000, so it waits when "
                    + "the pipeline falls behind). Fsyncs: the exporter's `braintrust.spool.fsyncs`. "
                    + "MiB written: `write_bytes` of `/proc/self/io` over the run (the whole "
                    + "process; bytes of page cache dirtied, so a partly filled page dirtied again "
                    + "after an fsync counts again); the exporter has no meter of bytes appended. "
                    + "Close: how long `close()` took after the flush.%n%n",
                r.rounds(),
                r.fileStore(),
                relative(r.dir())))
        .append(
            "| pipeline | events/s | / memory only | produce events/s | fsyncs | MiB written | close s | not delivered |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    for (Mode m : Mode.values()) {
      row(md, r.get(m.name()), memory, m == Mode.MEMORY);
    }
    List<Run> replay = r.get(REPLAY);
    if (!replay.isEmpty()) {
      row(md, replay, memory, false);
      md.append(
          "\nReplay: the spans spooled by an exporter with no server to send to, stopped with them "
              + "on disk; timed from building a new exporter on the directory to all rows "
              + "acknowledged. Its ratio compares replay rows/s to memory-only events/s.\n");
    }
    double errors = 0;
    long left = 0;
    for (List<Run> rs : r.runs().values()) {
      for (Run run : rs) {
        errors += Double.isNaN(run.writeErrors()) ? 0 : run.writeErrors();
        left = Math.max(left, run.leftBytes());
      }
    }
    if (errors > 0 || left > 0) {
      md.append(
          String.format(
              Locale.ROOT,
              "%n**Spool problems seen:** %.0f write errors; up to %,d bytes of segment files left "
                  + "after a flushed exporter closed.%n",
              errors,
              left));
    }
    return md.toString();
  }

  private static void row(StringBuilder md, List<Run> rs, List<Run> memory, boolean isMemory) {
    if (rs.isEmpty()) {
      return;
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %s | %s | %s | %s | %s | %s |%n",
            rs.get(0).name(),
            Stats.of(rs, Run::eventsPerSecond).format("%,.0f"),
            isMemory
                ? "1"
                : Stats.ratio(rs, Run::eventsPerSecond, memory, Run::eventsPerSecond).bold("%.2f"),
            Stats.of(rs, Run::produceEventsPerSecond).format("%,.0f"),
            isMemory ? "-" : Stats.of(rs, Run::fsyncs).med("%.0f"),
            Stats.of(rs, Run::fileMiB).med("%.1f"),
            Stats.of(rs, Run::closeSeconds).format("%.2f"),
            Stats.of(rs, x -> (double) x.notDelivered()).med("%.0f")));
  }

  /** {@code dir} relative to the working directory when under it, for the report. */
  private static String relative(Path dir) {
    Path cwd = Path.of("").toAbsolutePath();
    Path root =
        cwd.getFileName() != null && cwd.getFileName().toString().equals("benchmarks")
            ? cwd.getParent()
            : cwd;
    return root != null && dir.startsWith(root) ? root.relativize(dir).toString() : dir.toString();
  }
}

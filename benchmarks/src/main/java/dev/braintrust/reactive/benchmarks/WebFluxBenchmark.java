package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.export.BraintrustExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The same WebFlux application under the same closed-loop load: untraced, traced by the Spring Boot
 * starter, and traced by the OpenTelemetry SDK (BatchSpanProcessor + OTLP/HTTP with gzip). Both
 * tracers send to the same loopback sink. Each run is a fresh JVM and application that warms up,
 * then measures requests per second and latency percentiles; rounds interleave the modes.
 *
 * <p>Settings: {@code -Dbench.web.concurrency=16}, {@code -Dbench.web.seconds=10}, {@code
 * -Dbench.web.warmup=15} (the least warm-up; it goes on until the JIT compiler is quiet), {@code
 * -Dbench.web.rounds=5}; {@code -Dbench.web.jfr=DIR} records each run with Flight Recorder into
 * {@code DIR/MODE.jfr} ({@code -Dbench.web.jfc=FILE} for other settings); {@code
 * -Dbench.web.jvm="OPTIONS"} adds options to each run's JVM (a profiler agent, say), with {@code
 * MODE} replaced by the mode's name; {@code -Dbench.web.hook.start="COMMAND"} and {@code
 * -Dbench.web.hook.stop="COMMAND"} run a shell command (PID, MODE and PHASE, {@code fixed} or
 * {@code closed}, replaced) as each measured window opens and closes, to profile the steady state
 * only, e.g. {@code jcmd PID JVMTI.agent_load /path/libasyncProfiler.so "\"start,event=cpu\""}.
 */
public final class WebFluxBenchmark {
  private WebFluxBenchmark() {}

  /** How the application is traced. */
  enum Mode {
    UNTRACED,
    STARTER,
    OTEL_SDK
  }

  /** One measured run. */
  record Run(
      Mode mode,
      double requestsPerSecond,
      double p50Micros,
      double p99Micros,
      long errors,
      double cpuMicrosPerRequest,
      double cpuUse,
      double warmupSeconds,
      double jitMillis,
      double delivered,
      Fixed fixed) {

    /** This run with the share of spans delivered, known only once the app has shut down. */
    Run withDelivered(double share) {
      return new Run(
          mode,
          requestsPerSecond,
          p50Micros,
          p99Micros,
          errors,
          cpuMicrosPerRequest,
          cpuUse,
          warmupSeconds,
          jitMillis,
          share,
          fixed);
    }
  }

  /**
   * The same app at a fixed rate of requests, below what it can take: what a service pays for
   * tracing at the load it runs at, with every span delivered by both tracers.
   *
   * @param rate requests per second achieved
   * @param delivered the share of this phase's spans acknowledged once the tracer had flushed
   * @param serverMicros CPU per request on the server's event loops
   * @param tracerMicros CPU per request on the tracer's own threads
   * @param otherMicros the rest of the app's CPU per request (GC mostly)
   */
  record Fixed(
      double rate,
      double p50Micros,
      double p99Micros,
      double cpuMicrosPerRequest,
      double delivered,
      double serverMicros,
      double tracerMicros,
      double otherMicros) {
    static final Fixed NONE =
        new Fixed(
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN);
  }

  /** Runs the modes in interleaved rounds and writes the markdown section to stdout. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("child")) {
      Run r =
          run(
              Mode.valueOf(args[1]),
              args[2],
              Integer.parseInt(args[3]),
              Integer.parseInt(args[4]),
              Integer.parseInt(args[5]),
              Integer.parseInt(args[6]));
      System.out.printf(
          Locale.ROOT,
          "RESULT %f %f %f %d %f %f %f %f %f %f %f %f %f %f %f %f %f%n",
          r.requestsPerSecond(),
          r.p50Micros(),
          r.p99Micros(),
          r.errors(),
          r.cpuMicrosPerRequest(),
          r.cpuUse(),
          r.warmupSeconds(),
          r.jitMillis(),
          r.delivered(),
          r.fixed().rate(),
          r.fixed().p50Micros(),
          r.fixed().p99Micros(),
          r.fixed().cpuMicrosPerRequest(),
          r.fixed().delivered(),
          r.fixed().serverMicros(),
          r.fixed().tracerMicros(),
          r.fixed().otherMicros());
      System.exit(0);
    }
    System.out.println(report());
  }

  static String report() throws Exception {
    return WebFluxReport.section(runAll());
  }

  /** Every mode in {@code bench.web.rounds} interleaved rounds, each run a fresh JVM. */
  static Map<Mode, List<Run>> runAll() throws Exception {
    int concurrency = Settings.integer("bench.web.concurrency");
    int seconds = Settings.integer("bench.web.seconds");
    int warmup = Settings.integer("bench.web.warmup");
    int rate = Settings.integer("bench.web.rate");
    Map<String, Rounds.Measurement<Run>> all = new LinkedHashMap<>();
    Map<Mode, List<Run>> out = new EnumMap<>(Mode.class);
    LoopResources sinkLoops = LoopResources.create("bench-sink", 1, true);
    try (SinkServer sink = new SinkServer(Duration.ZERO, sinkLoops)) {
      for (Mode mode : Mode.values()) {
        all.put(
            mode.name(),
            () -> {
              long requests = sink.requests.get();
              long bytes = sink.bytes.get();
              long cpu = EndToEndBenchmark.OS.getProcessCpuTime();
              Run r = fork(mode, sink.url(), concurrency, warmup, seconds, rate);
              System.out.printf(
                  Locale.ROOT,
                  "%s: sink took %,d requests, %,d bytes; this process used %.1f s CPU%n",
                  mode,
                  sink.requests.get() - requests,
                  sink.bytes.get() - bytes,
                  (EndToEndBenchmark.OS.getProcessCpuTime() - cpu) / 1e9);
              return r;
            });
      }
      Map<String, List<Run>> runs =
          Rounds.run("webflux", Settings.integer("bench.web.rounds"), all);
      for (Mode mode : Mode.values()) {
        out.put(mode, runs.get(mode.name()));
      }
    } finally {
      sinkLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }
    return out;
  }

  /**
   * Runs one mode in a fresh JVM, so no mode profits from code another one compiled; the sink stays
   * in this process.
   */
  static Run fork(Mode mode, String sinkUrl, int concurrency, int warmup, int seconds, int rate)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    String jvm = System.getProperty("bench.web.jvm");
    if (jvm != null && !jvm.isBlank()) {
      // A profiler agent, say; MODE in an option becomes the mode's name.
      for (String option : jvm.trim().split("\\s+")) {
        command.add(option.replace("MODE", mode.name()));
      }
    }
    String jfr = System.getProperty("bench.web.jfr");
    if (jfr != null) {
      command.add(
          "-XX:StartFlightRecording=settings="
              + System.getProperty("bench.web.jfc", "profile")
              + ",filename="
              + Path.of(jfr, mode.name() + ".jfr"));
    }
    for (String k : List.of("bench.web.hook.start", "bench.web.hook.stop")) {
      if (System.getProperty(k) != null) command.add("-D" + k + "=" + System.getProperty(k));
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            WebFluxBenchmark.class.getName(),
            "child",
            mode.name(),
            sinkUrl,
            Integer.toString(concurrency),
            Integer.toString(warmup),
            Integer.toString(seconds),
            Integer.toString(rate)));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String result = null;
    // The child's last lines, to say why a run failed.
    java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("RESULT ")) {
          result = line;
        } else if (tail.size() == 40) {
          tail.removeFirst();
        }
        tail.addLast(line);
      }
    }
    if (p.waitFor() != 0 || result == null) {
      throw new IllegalStateException(
          mode + " run failed (exit " + p.exitValue() + "):\n" + String.join("\n", tail));
    }
    String[] f = result.split(" ");
    Run r =
        new Run(
            mode,
            Double.parseDouble(f[1]),
            Double.parseDouble(f[2]),
            Double.parseDouble(f[3]),
            Long.parseLong(f[4]),
            Double.parseDouble(f[5]),
            Double.parseDouble(f[6]),
            Double.parseDouble(f[7]),
            Double.parseDouble(f[8]),
            Double.parseDouble(f[9]),
            new Fixed(
                Double.parseDouble(f[10]),
                Double.parseDouble(f[11]),
                Double.parseDouble(f[12]),
                Double.parseDouble(f[13]),
                Double.parseDouble(f[14]),
                Double.parseDouble(f[15]),
                Double.parseDouble(f[16]),
                Double.parseDouble(f[17])));
    System.out.printf(
        Locale.ROOT,
        "%s: %,.0f req/s, p50 %.0f µs, p99 %.0f µs, errors %d, CPU %.1f µs/request, %.2f cores,"
            + " warm-up %.0f s, JIT %.0f ms while measured, %.1f%% of spans delivered; at %,.0f"
            + " req/s: p50 %.0f µs, p99 %.0f µs, CPU %.1f µs/request, %.1f%% delivered%n",
        mode,
        r.requestsPerSecond(),
        r.p50Micros(),
        r.p99Micros(),
        r.errors(),
        r.cpuMicrosPerRequest(),
        r.cpuUse(),
        r.warmupSeconds(),
        r.jitMillis(),
        100 * r.delivered(),
        r.fixed().rate(),
        r.fixed().p50Micros(),
        r.fixed().p99Micros(),
        r.fixed().cpuMicrosPerRequest(),
        100 * r.fixed().delivered());
    return r;
  }

  static Run run(Mode mode, String sinkUrl, int concurrency, int warmup, int seconds, int rate) {
    SdkTracerProvider otel = null;
    AtomicLong otelDelivered = new AtomicLong();
    SpringApplication application = new SpringApplication(WebFluxBenchApp.class);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--spring.reactor.netty.shutdown-quiet-period=0s"));
    if (mode == Mode.STARTER) {
      args.addAll(
          List.of(
              "--braintrust.api-key=bench",
              "--braintrust.api-url=" + sinkUrl,
              "--braintrust.project=bench"));
    } else {
      args.add("--braintrust.enabled=false");
    }
    if (mode == Mode.OTEL_SDK) {
      SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .addSpanProcessor(
                  BatchSpanProcessor.builder(
                          new AckedSpanExporter(
                              OtlpHttpSpanExporter.builder()
                                  .setEndpoint(sinkUrl + "/v1/traces")
                                  .setCompression("gzip")
                                  .build(),
                              spans -> otelDelivered.addAndGet(spans.size())))
                      // The starter's exporter defaults: the same queue, batch and interval.
                      .setMaxQueueSize(BraintrustExporter.DEFAULT_CAPACITY)
                      .setMaxExportBatchSize(BraintrustExporter.DEFAULT_MAX_BATCH_EVENTS)
                      .setScheduleDelay(BraintrustExporter.DEFAULT_FLUSH_INTERVAL)
                      .build())
              .build();
      io.opentelemetry.api.trace.Tracer tracer = provider.get("bench");
      application.addInitializers(
          ctx -> {
            GenericApplicationContext g = (GenericApplicationContext) ctx;
            g.registerBean(
                WebFluxBenchApp.WorkService.class,
                () -> new WebFluxBenchApp.OtelWorkService(tracer));
            g.registerBean(
                WebFluxBenchApp.OtelRequestFilter.class,
                () -> new WebFluxBenchApp.OtelRequestFilter(tracer));
          });
      otel = provider;
    } else {
      application.addInitializers(
          ctx ->
              ((GenericApplicationContext) ctx)
                  .registerBean(
                      WebFluxBenchApp.WorkService.class, WebFluxBenchApp.WorkService::new));
    }
    ConfigurableApplicationContext app = application.run(args.toArray(String[]::new));
    BraintrustExporter exporter = app.getBeanProvider(BraintrustExporter.class).getIfAvailable();
    Run measured = null;
    // The load generator has loops of its own, so the app's shutdown doesn't touch it.
    LoopResources loops = LoopResources.create(WebLoad.LOAD_THREADS, 1, true);
    ConnectionProvider pool =
        ConnectionProvider.builder("bench-load")
            .maxConnections(concurrency)
            .pendingAcquireMaxCount(-1)
            .build();
    try {
      HttpClient client =
          HttpClient.create(pool)
              .runOn(loops)
              .baseUrl("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"));
      double warmedUp = WebLoad.warmUp(client, concurrency, warmup);
      SdkTracerProvider sdk = otel;
      Flusher flush =
          () -> {
            if (exporter != null) {
              exporter.flush().block(Duration.ofSeconds(60));
            }
            if (sdk != null) {
              sdk.forceFlush().join(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            return exporter != null
                ? exporter.stats().delivered()
                : sdk != null ? otelDelivered.get() : 0;
          };
      Fixed fixed = fixedRate(mode, client, rate, seconds, flush);
      WebLoad.Latencies latencies = new WebLoad.Latencies(4_000_000);
      long start = System.nanoTime();
      long cpu0 = WebLoad.appCpuNanos();
      long jit0 = WebLoad.jitMillis();
      hook("bench.web.hook.start", mode, "closed");
      WebLoad.closed(client, concurrency, Duration.ofSeconds(seconds), latencies);
      double elapsed = (System.nanoTime() - start) / 1e9;
      double cpu = (WebLoad.appCpuNanos() - cpu0) / 1e9;
      long jit = WebLoad.jitMillis() - jit0;
      hook("bench.web.hook.stop", mode, "closed");
      int n = latencies.count();
      measured =
          new Run(
              mode,
              n / elapsed,
              latencies.micros(0.5),
              latencies.micros(0.99),
              latencies.errors(),
              cpu * 1e6 / n,
              cpu / elapsed,
              warmedUp,
              jit,
              Double.NaN,
              fixed);
    } finally {
      app.close();
      if (otel != null) {
        otel.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
      }
      pool.disposeLater().block(Duration.ofSeconds(5));
      loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }
    // Closing the app (or the SDK) flushed what was still buffered: a tracer that dropped spans
    // under the load did less work, so the share delivered goes next to its cost.
    long made = 2 * WebLoad.SENT.get();
    long delivered =
        mode == Mode.STARTER
            ? exporter.stats().delivered()
            : mode == Mode.OTEL_SDK ? otelDelivered.get() : made;
    return measured.withDelivered(made == 0 ? 0 : (double) delivered / made);
  }

  /** Flushes the tracer and returns the spans it has delivered so far. */
  interface Flusher {
    long flushAndCount();
  }

  /**
   * The fixed-rate phase: the tracer flushed before and after, so its spans delivered are this
   * phase's alone, and the CPU measured is what the load itself cost.
   */
  private static Fixed fixedRate(
      Mode mode, HttpClient client, int rate, int seconds, Flusher flush) {
    if (rate <= 0) {
      return Fixed.NONE;
    }
    long delivered0 = flush.flushAndCount();
    WebLoad.Latencies latencies = new WebLoad.Latencies(rate * seconds);
    hook("bench.web.hook.start", mode, "fixed");
    Map<String, Long> groups0 = WebLoad.cpuByGroup();
    long start = System.nanoTime();
    int sent = WebLoad.atRate(client, rate, Duration.ofSeconds(seconds), latencies);
    double elapsed = (System.nanoTime() - start) / 1e9;
    Map<String, Long> groups1 = WebLoad.cpuByGroup();
    // The groups add up to the app's CPU: read once, not twice, at each end of the window.
    double cpu = (total(groups1) - total(groups0)) / 1e9;
    hook("bench.web.hook.stop", mode, "fixed");
    long delivered = flush.flushAndCount() - delivered0;
    return new Fixed(
        sent / elapsed,
        latencies.micros(0.5),
        latencies.micros(0.99),
        cpu * 1e6 / sent,
        mode == Mode.UNTRACED ? 1 : (double) delivered / (2L * sent),
        (groups1.get("server") - groups0.get("server")) / 1e3 / sent,
        (groups1.get("tracer") - groups0.get("tracer")) / 1e3 / sent,
        (groups1.get("other") - groups0.get("other")) / 1e3 / sent);
  }

  private static long total(Map<String, Long> groups) {
    return groups.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Runs the shell command set in {@code key}, if any, and waits for it. */
  static void hook(String key, Mode mode, String phase) {
    String cmd = System.getProperty(key);
    if (cmd == null) {
      return;
    }
    try {
      new ProcessBuilder(
              "bash",
              "-c",
              cmd.replace("PID", Long.toString(ProcessHandle.current().pid()))
                  .replace("MODE", mode.name())
                  .replace("PHASE", phase))
          .inheritIO()
          .start()
          .waitFor();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

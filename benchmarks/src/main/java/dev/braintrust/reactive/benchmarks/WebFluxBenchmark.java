package dev.braintrust.reactive.benchmarks;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
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
 * -Dbench.web.warmup=15} (shorter leaves the JIT compiling during the measurement), {@code
 * -Dbench.web.rounds=5}; {@code -Dbench.web.jfr=DIR} records each run with Flight Recorder into
 * {@code DIR/MODE.jfr} ({@code -Dbench.web.jfc=FILE} for other settings).
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
      Mode mode, double requestsPerSecond, double p50Micros, double p99Micros, long errors) {}

  /** Runs the modes in interleaved rounds and writes the markdown section to stdout. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("child")) {
      Run r =
          run(
              Mode.valueOf(args[1]),
              args[2],
              Integer.parseInt(args[3]),
              Integer.parseInt(args[4]),
              Integer.parseInt(args[5]));
      System.out.printf(
          Locale.ROOT,
          "RESULT %f %f %f %d%n",
          r.requestsPerSecond(),
          r.p50Micros(),
          r.p99Micros(),
          r.errors());
      System.exit(0);
    }
    System.out.println(report());
  }

  static String report() throws Exception {
    return section(runAll());
  }

  /** Every mode in {@code bench.web.rounds} interleaved rounds, each run a fresh JVM. */
  static Map<Mode, List<Run>> runAll() throws Exception {
    int concurrency = Settings.integer("bench.web.concurrency");
    int seconds = Settings.integer("bench.web.seconds");
    int warmup = Settings.integer("bench.web.warmup");
    Map<String, Rounds.Measurement<Run>> all = new LinkedHashMap<>();
    Map<Mode, List<Run>> out = new EnumMap<>(Mode.class);
    LoopResources sinkLoops = LoopResources.create("bench-sink", 1, true);
    try (SinkServer sink = new SinkServer(Duration.ZERO, sinkLoops)) {
      for (Mode mode : Mode.values()) {
        all.put(mode.name(), () -> fork(mode, sink.url(), concurrency, warmup, seconds));
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
   * The throughput lost to tracing, as a share of the untraced run of the same round: {@code 1 -
   * traced / untraced}.
   */
  static double cost(Run traced, Run untraced) {
    return 1 - traced.requestsPerSecond() / untraced.requestsPerSecond();
  }

  /**
   * The starter's throughput cost over the OTel SDK's, per round (infinite when only the starter
   * costs anything), summarised.
   */
  static Stats overheadRatio(Map<Mode, List<Run>> runs) {
    List<Run> base = runs.get(Mode.UNTRACED);
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < base.size(); i++) {
      double ours = cost(runs.get(Mode.STARTER).get(i), base.get(i));
      double otel = cost(runs.get(Mode.OTEL_SDK).get(i), base.get(i));
      ratios.add(ours <= 0 ? 0 : otel <= 0 ? Double.POSITIVE_INFINITY : ours / otel);
    }
    return Stats.of(ratios);
  }

  static String section(Map<Mode, List<Run>> runs) {
    List<Run> base = runs.get(Mode.UNTRACED);
    StringBuilder md = new StringBuilder();
    md.append(
            "## WebFlux app: the same app untraced, traced by the starter, traced by the OTel SDK\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "Two spans per request (the request and one `@Traced` service call) into a loopback "
                    + "sink; the OTel SDK with BatchSpanProcessor and OTLP/HTTP (gzip), instrumented "
                    + "equivalently. Closed loop, %s concurrent connections, %s s measured after %s s "
                    + "warm-up, each run a fresh JVM; median of %d interleaved rounds (min–max), "
                    + "ratios to the untraced run of the same round.%n%n",
                Settings.get("bench.web.concurrency"),
                Settings.get("bench.web.seconds"),
                Settings.get("bench.web.warmup"),
                base.size()))
        .append("| mode | requests/s | p50 µs | p99 µs | errors |\n|---|---|---|---|---|\n");
    for (Mode mode : Mode.values()) {
      List<Run> rs = runs.get(mode);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s |%n",
              mode.name().toLowerCase(Locale.ROOT),
              Stats.of(rs, Run::requestsPerSecond).format("%,.0f"),
              Stats.of(rs, Run::p50Micros).format("%.0f"),
              Stats.of(rs, Run::p99Micros).format("%.0f"),
              Stats.of(rs, r -> (double) r.errors()).med("%.0f")));
    }
    md.append("\n| ratio to untraced (per round) | throughput | p50 | p99 | throughput cost |\n")
        .append("|---|---|---|---|---|\n");
    for (Mode mode : List.of(Mode.STARTER, Mode.OTEL_SDK)) {
      List<Run> rs = runs.get(mode);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s |%n",
              mode == Mode.STARTER ? "starter" : "OTel SDK",
              Stats.ratio(rs, Run::requestsPerSecond, base, Run::requestsPerSecond).format("%.3f"),
              Stats.ratio(rs, Run::p50Micros, base, Run::p50Micros).format("%.3f"),
              Stats.ratio(rs, Run::p99Micros, base, Run::p99Micros).format("%.3f"),
              costs(rs, base).format("%.1f%%")));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nStarter's throughput cost / OTel SDK's, per round: %s.%n",
            overheadRatio(runs).bold("%.2f")));
    return md.toString();
  }

  private static Stats costs(List<Run> traced, List<Run> base) {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < Math.min(traced.size(), base.size()); i++) {
      v.add(100 * cost(traced.get(i), base.get(i)));
    }
    return Stats.of(v);
  }

  /**
   * Runs one mode in a fresh JVM, so no mode profits from code another one compiled; the sink stays
   * in this process.
   */
  static Run fork(Mode mode, String sinkUrl, int concurrency, int warmup, int seconds)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    String jfr = System.getProperty("bench.web.jfr");
    if (jfr != null) {
      command.add(
          "-XX:StartFlightRecording=settings="
              + System.getProperty("bench.web.jfc", "profile")
              + ",filename="
              + Path.of(jfr, mode.name() + ".jfr"));
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
            Integer.toString(seconds)));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String result = null;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("RESULT ")) {
          result = line;
        }
      }
    }
    if (p.waitFor() != 0 || result == null) {
      throw new IllegalStateException(mode + " run failed (exit " + p.exitValue() + ")");
    }
    String[] f = result.split(" ");
    Run r =
        new Run(
            mode,
            Double.parseDouble(f[1]),
            Double.parseDouble(f[2]),
            Double.parseDouble(f[3]),
            Long.parseLong(f[4]));
    System.out.printf(
        Locale.ROOT,
        "%s: %,.0f req/s, p50 %.0f µs, p99 %.0f µs, errors %d%n",
        mode,
        r.requestsPerSecond(),
        r.p50Micros(),
        r.p99Micros(),
        r.errors());
    return r;
  }

  static Run run(Mode mode, String sinkUrl, int concurrency, int warmup, int seconds) {
    SdkTracerProvider otel = null;
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
                          OtlpHttpSpanExporter.builder()
                              .setEndpoint(sinkUrl + "/v1/traces")
                              .setCompression("gzip")
                              .build())
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
    // The load generator has loops of its own, so the app's shutdown doesn't touch it.
    LoopResources loops = LoopResources.create("bench-load", 1, true);
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
      load(client, concurrency, Duration.ofSeconds(warmup), null);
      long[] latencies = new long[4_000_000];
      AtomicInteger count = new AtomicInteger();
      AtomicLong errors = new AtomicLong();
      long start = System.nanoTime();
      load(
          client,
          concurrency,
          Duration.ofSeconds(seconds),
          (nanos, ok) -> {
            int i = count.getAndIncrement();
            if (i < latencies.length) {
              latencies[i] = nanos;
            }
            if (!ok) {
              errors.incrementAndGet();
            }
          });
      double elapsed = (System.nanoTime() - start) / 1e9;
      int n = Math.min(count.get(), latencies.length);
      long[] sorted = Arrays.copyOf(latencies, n);
      Arrays.sort(sorted);
      return new Run(
          mode, n / elapsed, sorted[n / 2] / 1e3, sorted[(int) (n * 0.99)] / 1e3, errors.get());
    } finally {
      app.close();
      if (otel != null) {
        otel.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
      }
      pool.disposeLater().block(Duration.ofSeconds(5));
      loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }
  }

  /** Receives each measured request's latency and outcome. */
  interface Sample {
    void record(long nanos, boolean ok);
  }

  /** {@code concurrency} loops each sending one request after the other until the time is up. */
  private static void load(HttpClient client, int concurrency, Duration duration, Sample sample) {
    long deadline = System.nanoTime() + duration.toNanos();
    AtomicLong ids = new AtomicLong();
    Flux.range(0, concurrency)
        .flatMap(
            w ->
                Mono.defer(
                        () -> {
                          long t0 = System.nanoTime();
                          return client
                              .get()
                              .uri("/work/" + ids.incrementAndGet())
                              .responseSingle(
                                  (res, body) ->
                                      body.asString()
                                          .defaultIfEmpty("")
                                          .map(b -> res.status().code()))
                              .map(status -> status == 200)
                              .onErrorReturn(false)
                              .doOnNext(
                                  ok -> {
                                    if (sample != null) {
                                      sample.record(System.nanoTime() - t0, ok);
                                    }
                                  });
                        })
                    .repeat(() -> System.nanoTime() < deadline),
            concurrency)
        .blockLast(duration.plusSeconds(30));
  }
}

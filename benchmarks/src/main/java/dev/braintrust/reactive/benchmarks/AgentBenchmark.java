package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.agentit.AgentProcess;
import dev.braintrust.reactive.agentit.DemoApp;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The same unmodified application ({@link DemoApp}: a server span, a GenAI span, a client span and
 * a second server span per request) under the OpenTelemetry Java agent, driven by the same
 * closed-loop load, exporting three ways: our extension (the {@code braintrust} exporter), the
 * agent's own OTLP/HTTP exporter (protobuf, gzip), and no exporter (the agent's instrumentation
 * alone, the floor). Both exporters send to one loopback sink that reads and discards bodies.
 *
 * <p>Each run warms up for at least {@code bench.agent.warmup} seconds, then in 5 s slices until
 * the application's JVM spends under 5% of a slice JIT compiling (read with {@code jcmd}; at most
 * 120 s in all): on two cores the agent's instrumented code keeps C2 busy for tens of seconds under
 * load, and measuring before then weighs the compiler's backlog, not the steady state. The
 * warm-up's length and the JIT time left in the measured window are reported with each run.
 *
 * <p>System properties: {@code agent.jar}, {@code extension.jar}, {@code app.lib} (a folder with
 * the application's jars), {@code bench.agent.seconds} (measured, default 10), {@code
 * bench.agent.warmup} (the least warm-up, default 10), {@code bench.agent.rounds} (default 3),
 * {@code bench.agent.threads} (concurrent callers, default 8), {@code bench.agent.jvm} (extra JVM
 * options for the application, space-separated, e.g. to profile it). The first argument is the
 * report path.
 */
public final class AgentBenchmark {
  private AgentBenchmark() {}

  /** One pipeline's round. */
  record Run(
      String name,
      double requestsPerSecond,
      double p50Millis,
      double p99Millis,
      double cpuMicrosPerRequest,
      long sinkRequests,
      long sinkBytes,
      double warmupSeconds,
      double jitMillis,
      Map<String, Double> threads) {}

  /** Issue 35's size goal for the extension jar. */
  static final long MAX_EXTENSION_BYTES = 6_000_000;

  private static final Duration WARMUP_SLICE = Duration.ofSeconds(5);
  private static final double QUIET_JIT_SHARE = 0.05;
  private static final Duration MAX_WARMUP = Duration.ofSeconds(120);

  /**
   * The application's JVM arguments for pipeline {@code p} (0 extension, 1 OTLP, 2 none): {@code
   * {pipeline}} in {@code -Dbench.agent.jvm} becomes its number, so each pipeline can get a
   * recording of its own ({@code -XX:StartFlightRecording=filename=app-{pipeline}.jfr}).
   */
  static List<String> jvmFor(List<String> jvm, int p) {
    return jvm.stream().map(a -> a.replace("{pipeline}", String.valueOf(p))).toList();
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "BENCHMARKS-agent-run.md");
    Path agent = Path.of(required("agent.jar"));
    Path extension = Path.of(required("extension.jar"));
    String classPath;
    try (Stream<Path> jars = Files.list(Path.of(required("app.lib")))) {
      classPath = jars.sorted().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }
    Duration measure = Duration.ofSeconds(Integer.getInteger("bench.agent.seconds", 10));
    Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.agent.warmup", 10));
    int rounds = Integer.getInteger("bench.agent.rounds", 3);
    int threads = Integer.getInteger("bench.agent.threads", 8);
    List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
    String extra = System.getProperty("bench.agent.jvm", "").trim();
    if (!extra.isEmpty()) {
      jvm.addAll(List.of(extra.split("\\s+")));
    }

    List<List<Run>> all = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    try (SinkServer sink = new SinkServer(Duration.ZERO)) {
      Map<String, String> common =
          Map.of(
              "OTEL_METRICS_EXPORTER",
              "none",
              "OTEL_LOGS_EXPORTER",
              "none",
              "OTEL_SERVICE_NAME",
              "demo-app");
      List<Map<String, String>> envs =
          List.of(
              with(
                  common,
                  "OTEL_TRACES_EXPORTER",
                  "braintrust",
                  "BRAINTRUST_API_KEY",
                  "bench",
                  "BRAINTRUST_API_URL",
                  sink.url(),
                  "BRAINTRUST_PROJECT",
                  "agent-bench"),
              with(
                  common,
                  "OTEL_TRACES_EXPORTER",
                  "otlp",
                  "OTEL_EXPORTER_OTLP_PROTOCOL",
                  "http/protobuf",
                  "OTEL_EXPORTER_OTLP_ENDPOINT",
                  sink.url(),
                  "OTEL_EXPORTER_OTLP_COMPRESSION",
                  "gzip"),
              with(common, "OTEL_TRACES_EXPORTER", "none"));
      String[] names = {
        "agent + braintrust extension",
        "agent + OTLP/HTTP exporter (gzip)",
        "agent, no exporter (floor)"
      };
      for (int round = 0; round < rounds; round++) {
        // Interleaved so each pipeline sees the same machine state across rounds.
        for (int p = 0; p < envs.size(); p++) {
          List<String> cmd =
              AgentProcess.command(
                  agent,
                  p == 0 ? extension : null,
                  classPath,
                  DemoApp.class.getName(),
                  jvmFor(jvm, p));
          sink.reset();
          try (AgentProcess app = AgentProcess.start(cmd, envs.get(p), Duration.ofMinutes(5))) {
            double warmedUp = warmUp(app, threads, warmup);
            // Read before the window's other figures, so jcmd's own start-up is outside them.
            double jitBefore = jitMillis(app.pid());
            long requestsBefore = sink.requests.get();
            long bytesBefore = sink.bytes.get();
            Duration cpuBefore = app.cpuTime();
            ThreadCpu threadsBefore = ThreadCpu.read(app.pid());
            long[] latencies = drive(app.port(), threads, measure);
            ThreadCpu threadsAfter = ThreadCpu.read(app.pid());
            double cpuPerRequest =
                app.cpuTime().minus(cpuBefore).toNanos() / 1e3 / Math.max(1, latencies.length);
            long sinkRequests = sink.requests.get() - requestsBefore;
            long sinkBytes = sink.bytes.get() - bytesBefore;
            double jit = jitMillis(app.pid()) - jitBefore;
            if (!app.isAlive()) {
              throw new IllegalStateException(names[p] + " exited:\n" + app.output());
            }
            Arrays.sort(latencies);
            Run run =
                new Run(
                    names[p],
                    latencies.length / (double) measure.toNanos() * 1e9,
                    percentile(latencies, 0.50) / 1e6,
                    percentile(latencies, 0.99) / 1e6,
                    cpuPerRequest,
                    sinkRequests,
                    sinkBytes,
                    warmedUp,
                    jit,
                    threadsAfter.since(threadsBefore, latencies.length));
            all.get(p).add(run);
            System.out.printf(
                Locale.ROOT,
                "%s, round %d: %,.0f req/s, p99 %.2f ms, app CPU %,.0f µs/request,"
                    + " warm-up %.0f s, app JIT %.0f ms while measured%n",
                run.name(),
                round + 1,
                run.requestsPerSecond(),
                run.p99Millis(),
                run.cpuMicrosPerRequest(),
                run.warmupSeconds(),
                run.jitMillis());
            System.out.println(
                "  app CPU µs/request by thread: " + ThreadCpu.format(run.threads(), 1.0));
          }
        }
      }
    }
    String md = report(all, threads, warmup, measure, rounds);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md);
    Files.writeString(goalFile(out), goal(all));
    System.out.println(md);
    System.out.println("Written to " + out.toAbsolutePath());
  }

  /** Where the goal row of a report at {@code report} is written, for {@link BenchmarkMain}. */
  static Path goalFile(Path report) {
    return report.resolveSibling(report.getFileName() + ".goal");
  }

  /**
   * Issue 35's goal, as the harness's goals table shows it: one line, the result, a tab, and
   * whether it was met. Throughput, p99 and application CPU per request against the OTLP
   * exporter's, medians of the per-round ratios, and the extension jar's size.
   */
  private static String goal(List<List<Run>> all) throws IOException {
    List<Run> ours = all.get(0);
    List<Run> otlp = all.get(1);
    Stats throughput = Stats.ratio(ours, Run::requestsPerSecond, otlp, Run::requestsPerSecond);
    Stats p99 = Stats.ratio(ours, Run::p99Millis, otlp, Run::p99Millis);
    Stats cpu = Stats.ratio(ours, Run::cpuMicrosPerRequest, otlp, Run::cpuMicrosPerRequest);
    long jar = Files.size(Path.of(required("extension.jar")));
    boolean met =
        throughput.median() >= 1.0
            && p99.median() <= 1.0
            && cpu.median() <= 1.0
            && jar <= MAX_EXTENSION_BYTES;
    return String.format(
            Locale.ROOT,
            "extension / OTLP: throughput %s, p99 %s, application CPU per request %s; jar %.1f MB",
            throughput.format("%.2f"),
            p99.format("%.2f"),
            cpu.format("%.2f"),
            jar / 1e6)
        + "\t"
        + met;
  }

  private static String report(
      List<List<Run>> all, int threads, Duration warmup, Duration measure, int rounds) {
    StringBuilder md = new StringBuilder();
    md.append("Run on ")
        .append(LocalDate.now())
        .append(": ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.version"))
        .append(".\n\n")
        .append("## Java agent: same application and load, two exporters\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "%d closed-loop callers, %d s measured after a warm-up of at least %d s that goes on"
                    + " in %d s slices until the application's JVM spends under %.0f%% of a slice"
                    + " JIT compiling (at most %d s), %d interleaved rounds; median (min–max) of the"
                    + " rounds, ratios per round; 4 spans per request.%n%n",
                threads,
                measure.toSeconds(),
                warmup.toSeconds(),
                WARMUP_SLICE.toSeconds(),
                QUIET_JIT_SHARE * 100,
                MAX_WARMUP.toSeconds(),
                rounds))
        .append(
            "| pipeline | requests/s | spans/s | p50 ms | p99 ms | app CPU µs/request | sink requests"
                + " | sink KiB | warm-up s | app JIT ms while measured |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (List<Run> runs : all) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              runs.get(0).name(),
              Stats.of(runs, Run::requestsPerSecond).format("%,.0f"),
              Stats.of(runs, r -> r.requestsPerSecond() * 4).med("%,.0f"),
              Stats.of(runs, Run::p50Millis).format("%.2f"),
              Stats.of(runs, Run::p99Millis).format("%.2f"),
              Stats.of(runs, Run::cpuMicrosPerRequest).format("%,.0f"),
              Stats.of(runs, r -> (double) r.sinkRequests()).med("%,.0f"),
              Stats.of(runs, r -> r.sinkBytes() / 1024.0).med("%,.0f"),
              Stats.of(runs, Run::warmupSeconds).format("%.0f"),
              Stats.of(runs, Run::jitMillis).format("%,.0f")));
    }
    List<Run> ours = all.get(0);
    List<Run> otlp = all.get(1);
    List<Run> floor = all.get(2);
    md.append(
        String.format(
            Locale.ROOT,
            "%n- throughput, extension / OTLP: %s (higher is better)%n"
                + "- p99 latency, extension / OTLP: %s (lower is better)%n"
                + "- application CPU per request, extension / OTLP: %s (lower is better)%n"
                + "- throughput relative to the agent with no exporter: extension %s, OTLP %s%n",
            Stats.ratio(ours, Run::requestsPerSecond, otlp, Run::requestsPerSecond).bold("%.2f"),
            Stats.ratio(ours, Run::p99Millis, otlp, Run::p99Millis).bold("%.2f"),
            Stats.ratio(ours, Run::cpuMicrosPerRequest, otlp, Run::cpuMicrosPerRequest)
                .bold("%.2f"),
            Stats.ratio(ours, Run::requestsPerSecond, floor, Run::requestsPerSecond).format("%.2f"),
            Stats.ratio(otlp, Run::requestsPerSecond, floor, Run::requestsPerSecond)
                .format("%.2f")));
    md.append(
        "\nWhere the application's CPU per request goes, by thread (µs, median of the rounds;"
            + " threads named by the JVM, their numbers dropped, from /proc over the measured"
            + " window):\n\n");
    for (List<Run> runs : all) {
      md.append("- ")
          .append(runs.get(0).name())
          .append(": ")
          .append(
              ThreadCpu.format(ThreadCpu.medians(runs.stream().map(Run::threads).toList()), 1.0))
          .append('\n');
    }
    return md.toString();
  }

  /**
   * Loads the app for at least {@code min}, then in slices until its JIT compiler is quiet; only
   * {@code min} when jcmd cannot read the app's JIT time.
   *
   * @return the warm-up's length in seconds
   */
  private static double warmUp(AgentProcess app, int threads, Duration min)
      throws InterruptedException {
    long start = System.nanoTime();
    drive(app.port(), threads, min);
    double jit = jitMillis(app.pid());
    long sliceStart = System.nanoTime();
    if (Double.isNaN(jit)) {
      System.err.println("jcmd could not read the app's JIT time: fixed warm-up, JIT not reported");
    }
    while (!Double.isNaN(jit)) {
      long left = start + MAX_WARMUP.toNanos() - System.nanoTime();
      if (left <= 0) {
        break;
      }
      drive(app.port(), threads, Duration.ofNanos(Math.min(WARMUP_SLICE.toNanos(), left)));
      double now = jitMillis(app.pid());
      long sliceEnd = System.nanoTime();
      // Against the wall time between the two reads: the compiler works on while jcmd starts.
      if (Double.isNaN(now) || now - jit < (sliceEnd - sliceStart) / 1e6 * QUIET_JIT_SHARE) {
        break;
      }
      jit = now;
      sliceStart = sliceEnd;
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * The time the JVM {@code pid} has spent JIT compiling, in milliseconds, from {@code jcmd
   * PerfCounter.print} of this JDK; NaN when that fails, so the benchmark goes on without it.
   */
  private static double jitMillis(long pid) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Path out = null;
    Process p = null;
    try {
      out = Files.createTempFile("jcmd-perf", ".txt");
      // To a file, not a pipe, so a jcmd that hangs cannot block the read past the timeout.
      p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), "PerfCounter.print")
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return Double.NaN;
      }
      double ticks = Double.NaN;
      double ticksPerSecond = Double.NaN;
      for (String line : Files.readAllLines(out)) {
        // java.ci.totalTime is what CompilationMXBean reports; HotSpot has no sun.ci.totalTime.
        if (line.startsWith("java.ci.totalTime=")) {
          ticks = Double.parseDouble(line.substring(line.indexOf('=') + 1).trim());
        } else if (line.startsWith("sun.os.hrt.frequency=")) {
          ticksPerSecond = Double.parseDouble(line.substring(line.indexOf('=') + 1).trim());
        }
      }
      return ticksPerSecond > 0 ? ticks / ticksPerSecond * 1e3 : Double.NaN;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // A temporary file left behind is harmless.
        }
      }
    }
  }

  /**
   * Runs {@code threads} callers for {@code duration}; the latency of every request completed in
   * it.
   */
  private static long[] drive(int port, int threads, Duration duration)
      throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://127.0.0.1:" + port + "/chat?bench");
    long end = System.nanoTime() + duration.toNanos();
    long[][] perThread = new long[threads][];
    AtomicLong failures = new AtomicLong();
    CountDownLatch done = new CountDownLatch(threads);
    int[] counts = new int[threads];
    for (int t = 0; t < threads; t++) {
      perThread[t] = new long[1 << 16];
      int index = t;
      Thread caller =
          new Thread(
              () -> {
                long[] mine = perThread[index];
                int n = 0;
                try {
                  while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try {
                      HttpResponse<Void> r =
                          client.send(
                              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                              HttpResponse.BodyHandlers.discarding());
                      if (r.statusCode() != 200) {
                        failures.incrementAndGet();
                        continue;
                      }
                    } catch (IOException e) {
                      failures.incrementAndGet();
                      continue;
                    }
                    if (n == mine.length) {
                      mine = Arrays.copyOf(mine, n * 2);
                      perThread[index] = mine;
                    }
                    mine[n++] = System.nanoTime() - start;
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  counts[index] = n;
                  done.countDown();
                }
              },
              "load-" + t);
      caller.setDaemon(true);
      caller.start();
    }
    done.await();
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " request(s) failed");
    }
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(perThread[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    return all;
  }

  private static double percentile(long[] sorted, double q) {
    return sorted.length == 0
        ? Double.NaN
        : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static Map<String, String> with(Map<String, String> base, String... kv) {
    Map<String, String> m = new java.util.HashMap<>(base);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String required(String property) {
    String v = System.getProperty(property);
    if (v == null) {
      throw new IllegalStateException(
          "-D" + property + " is required (the benchmarks profile sets it)");
    }
    return v;
  }
}

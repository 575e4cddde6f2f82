package dev.braintrust.reactive.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The WebFlux benchmark's load: a closed loop that saturates the app, and an open loop at a fixed
 * rate, the load a service runs at.
 */
final class WebLoad {
  private WebLoad() {}

  /** Requests sent to the app in this JVM, warm-up included. */
  static final AtomicLong SENT = new AtomicLong();

  private static final AtomicLong IDS = new AtomicLong();

  private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
  private static final Duration WARMUP_SLICE = Duration.ofSeconds(5);
  private static final double QUIET_JIT_SHARE = 0.05;
  private static final int MAX_WARMUP_SECONDS = 120;

  /** Receives each measured request's latency and outcome. */
  interface Sample {
    void record(long nanos, boolean ok);
  }

  /** A measured window's latencies and failures; a failed request counts as the slowest. */
  static final class Latencies implements Sample {
    private final long[] nanos;
    private final java.util.concurrent.atomic.AtomicInteger count =
        new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong errors = new AtomicLong();
    private long @Nullable [] sorted;

    Latencies(int capacity) {
      nanos = new long[capacity];
    }

    @Override
    public void record(long latency, boolean ok) {
      int i = count.getAndIncrement();
      if (i < nanos.length) {
        nanos[i] = ok ? latency : Long.MAX_VALUE;
      }
      if (!ok) {
        errors.incrementAndGet();
      }
    }

    /** Requests answered. */
    int count() {
      return count.get();
    }

    long errors() {
      return errors.get();
    }

    /** The latency at quantile {@code q}, in microseconds (call once the window is over). */
    double micros(double q) {
      if (sorted == null) {
        sorted = java.util.Arrays.copyOf(nanos, Math.min(count.get(), nanos.length));
        java.util.Arrays.sort(sorted);
      }
      return sorted.length == 0 ? Double.NaN : sorted[(int) (sorted.length * q)] / 1e3;
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * CPU the application has used so far: the process's, less the load generator's threads (its
   * event loop and the thread pacing the open loop, this one) and the JIT compiler. Both are the
   * same work in every mode, and the compiler's share of a measured window varied by several
   * microseconds per request from run to run, more than the costs being compared.
   */
  static long appCpuNanos() {
    long load = THREADS.getCurrentThreadCpuTime();
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null && infos[i].getThreadName().startsWith(LOAD_THREADS)) {
        long t = THREADS.getThreadCpuTime(ids[i]);
        if (t > 0) {
          load += t;
        }
      }
    }
    return EndToEndBenchmark.OS.getProcessCpuTime() - load - jitMillis() * 1_000_000L;
  }

  /**
   * CPU nanoseconds so far by thread group: the server's event loops ({@code server}), the tracer's
   * own threads ({@code tracer}: the exporter's, its encoders and HTTP client, the parallel
   * scheduler it gzips on, the OTel SDK's processor and OkHttp), and the rest of the app ({@code
   * other}: GC and anything else), load generator and JIT compiler left out as in {@link
   * #appCpuNanos}.
   */
  static java.util.Map<String, Long> cpuByGroup() {
    long server = 0;
    long tracer = 0;
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null) {
        continue;
      }
      String name = infos[i].getThreadName();
      long t = Math.max(0, THREADS.getThreadCpuTime(ids[i]));
      if (name.startsWith("reactor-http")) {
        server += t;
      } else if (name.startsWith("braintrust")
          || name.startsWith("parallel")
          || name.startsWith("BatchSpanProcessor")
          || name.toLowerCase(java.util.Locale.ROOT).startsWith("okhttp")
          || name.startsWith("Okio")) {
        tracer += t;
      }
    }
    long app = appCpuNanos();
    return java.util.Map.of("server", server, "tracer", tracer, "other", app - server - tracer);
  }

  /** The name prefix of the load generator's event loop threads. */
  static final String LOAD_THREADS = "bench-load";

  /** Milliseconds the JIT compiler has spent so far. */
  static long jitMillis() {
    return JIT.getTotalCompilationTime();
  }

  /**
   * Loads the app until the JIT compiler is quiet: at least {@code minSeconds}, then in slices
   * until one spends under {@value #QUIET_JIT_SHARE} of its time compiling, or {@value
   * #MAX_WARMUP_SECONDS} s have passed. On two cores a traced app's extra code keeps C2 busy for
   * tens of seconds under load; measuring before then weighs the compiler's backlog, not the steady
   * state a service runs in.
   *
   * @return the warm-up's length in seconds
   */
  static double warmUp(HttpClient client, int concurrency, int minSeconds) {
    long start = System.nanoTime();
    closed(client, concurrency, Duration.ofSeconds(minSeconds), null);
    while ((System.nanoTime() - start) / 1e9 < MAX_WARMUP_SECONDS) {
      long jit0 = jitMillis();
      closed(client, concurrency, WARMUP_SLICE, null);
      if (jitMillis() - jit0 < WARMUP_SLICE.toMillis() * QUIET_JIT_SHARE) {
        break;
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** {@code concurrency} loops each sending one request after the other until the time is up. */
  static void closed(
      HttpClient client, int concurrency, Duration duration, @Nullable Sample sample) {
    long deadline = System.nanoTime() + duration.toNanos();
    Flux.range(0, concurrency)
        .flatMap(
            w ->
                Mono.defer(
                        () -> {
                          long t0 = System.nanoTime();
                          return request(client)
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

  /**
   * Sends {@code rate} requests per second for {@code duration}, each at its appointed time
   * whatever the earlier ones are doing (an open loop), and waits for the answers. Latency counts
   * from the appointed time, so a stall is charged to every request it delays, not hidden by the
   * generator waiting for it (coordinated omission).
   *
   * @return the requests sent
   */
  static int atRate(HttpClient client, int rate, Duration duration, Sample sample) {
    int n = (int) (rate * duration.toNanos() / 1_000_000_000L);
    double interval = 1e9 / rate;
    CountDownLatch answered = new CountDownLatch(n);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long due = start + (long) (i * interval);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      request(client)
          .subscribe(
              ok -> {
                sample.record(System.nanoTime() - due, ok);
                answered.countDown();
              });
    }
    try {
      if (!answered.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(answered.getCount() + " requests never answered");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return n;
  }

  /** One request; true when answered 200. Never fails. */
  private static Mono<Boolean> request(HttpClient client) {
    SENT.incrementAndGet();
    return client
        .get()
        .uri("/work/" + IDS.incrementAndGet())
        .responseSingle(
            (res, body) -> body.asString().defaultIfEmpty("").map(b -> res.status().code()))
        .map(status -> status == 200)
        .onErrorReturn(false);
  }
}

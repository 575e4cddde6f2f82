package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A fleet of exporters with default settings against one server-wide rate limit, over real sockets:
 * {@code exporters} x {@code spans/s} against {@code limit} insert requests/s (429 with
 * Retry-After: 1 beyond), then the limit lifts; and a 5 s outage (503 to everyone). Prints a
 * markdown table. Run: {@code mvn -q -pl benchmarks -am -DskipTests package exec:java
 * -Dexec.mainClass=dev.braintrust.reactive.benchmarks.FleetBenchmark}.
 */
public final class FleetBenchmark {
  private FleetBenchmark() {}

  /** A sink with a server-wide token bucket, or answering 503 to everyone during an outage. */
  static final class LimitedSink implements AutoCloseable {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong throttled = new AtomicLong();
    final AtomicLong[] perSlot = new AtomicLong[10];
    volatile double perSecond;
    volatile boolean outage;
    private double tokens;
    private long last = System.nanoTime();
    private final DisposableServer server;

    LimitedSink(double perSecond, LoopResources loops) {
      this.perSecond = perSecond;
      this.tokens = perSecond;
      for (int i = 0; i < perSlot.length; i++) {
        perSlot[i] = new AtomicLong();
      }
      server =
          HttpServer.create()
              .host("127.0.0.1")
              .port(0)
              .runOn(loops)
              .handle(
                  (req, res) ->
                      req.receive()
                          .aggregate()
                          .asByteArray()
                          .defaultIfEmpty(new byte[0])
                          .flatMap(
                              b -> {
                                // Which tenth of the second each request lands in: synchronised
                                // bursts show here.
                                perSlot[(int) (System.currentTimeMillis() % 1000 / 100)]
                                    .incrementAndGet();
                                if (outage) {
                                  return res.status(503)
                                      .sendString(Mono.just("{\"error\":\"down\"}"))
                                      .then();
                                }
                                if (!take()) {
                                  throttled.incrementAndGet();
                                  return res.status(429)
                                      .header("Retry-After", "1")
                                      .sendString(Mono.just("{\"error\":\"rate limited\"}"))
                                      .then();
                                }
                                accepted.incrementAndGet();
                                return res.status(200)
                                    .header("content-type", "application/json")
                                    .sendByteArray(
                                        Mono.just(
                                            "{\"row_ids\":[]}".getBytes(StandardCharsets.UTF_8)))
                                    .then();
                              }))
              .bindNow();
    }

    synchronized boolean take() {
      double rate = perSecond;
      if (rate <= 0) {
        return true;
      }
      long now = System.nanoTime();
      tokens = Math.min(rate, tokens + (now - last) / 1e9 * rate);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }

    String url() {
      return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
      server.disposeNow(Duration.ofSeconds(5));
    }
  }

  public static void main(String[] args) throws Exception {
    int exporters = Integer.getInteger("fleet.exporters", 50);
    int spansPerSecond = Integer.getInteger("fleet.spans", 200);
    double limit = Double.parseDouble(System.getProperty("fleet.limit", "20"));
    int seconds = Integer.getInteger("fleet.seconds", 30);
    LoopResources loops = LoopResources.create("fleet", 2, true);
    Scheduler encode = Schedulers.newParallel("fleet-encode", 2, true);
    try {
      System.out.println(limited(exporters, spansPerSecond, limit, seconds, loops, encode));
      System.out.println(outage(exporters, spansPerSecond, loops, encode));
    } finally {
      encode.dispose();
      loops.dispose();
    }
  }

  static List<BraintrustExporter> fleet(int n, String url, LoopResources loops, Scheduler encode) {
    List<BraintrustExporter> fleet = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      BraintrustClient client =
          BraintrustClient.builder().apiKey("bench").baseUrl(url).loopResources(loops).build();
      fleet.add(BraintrustExporter.builder(client).encodeScheduler(encode).build());
    }
    return fleet;
  }

  static ScheduledExecutorService produce(List<BraintrustExporter> fleet, int spansPerSecond) {
    Destination dest = Destination.projectLogs("00000000-0000-4000-8000-000000000000");
    ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
    AtomicLong id = new AtomicLong();
    int perTick = Math.max(1, spansPerSecond / 20);
    producer.scheduleAtFixedRate(
        () -> {
          for (BraintrustExporter x : fleet) {
            for (int i = 0; i < perTick; i++) {
              x.accept(BraintrustEvent.builder(dest, "f" + id.incrementAndGet()).input(i).build());
            }
          }
        },
        0,
        50,
        TimeUnit.MILLISECONDS);
    return producer;
  }

  static String limited(
      int n, int spans, double limit, int seconds, LoopResources loops, Scheduler encode)
      throws Exception {
    try (LimitedSink sink = new LimitedSink(limit, loops)) {
      List<BraintrustExporter> fleet = fleet(n, sink.url(), loops, encode);
      ScheduledExecutorService producer = produce(fleet, spans);
      Thread.sleep(seconds * 1000L);
      long accepted = sink.accepted.get();
      long throttled = sink.throttled.get();
      long[] shares = fleet.stream().mapToLong(x -> x.stats().delivered()).toArray();
      long[] slots = new long[sink.perSlot.length];
      for (int i = 0; i < slots.length; i++) {
        slots[i] = sink.perSlot[i].get();
      }
      sink.perSecond = 0;
      long lifted = System.nanoTime();
      producer.shutdown();
      producer.awaitTermination(5, TimeUnit.SECONDS);
      Flux.fromIterable(fleet)
          .flatMap(BraintrustExporter::flush, n)
          .onErrorResume(e -> Mono.empty())
          .blockLast(Duration.ofMinutes(2));
      double drain = (System.nanoTime() - lifted) / 1e9;
      long failed = 0;
      long dropped = 0;
      long submitted = 0;
      for (BraintrustExporter x : fleet) {
        ExporterStats s = x.stats();
        failed += s.failed();
        dropped += s.droppedTotal();
        submitted += s.submitted();
        x.close();
      }
      long busiest = 0;
      long total = 0;
      for (long s : slots) {
        busiest = Math.max(busiest, s);
        total += s;
      }
      return String.format(
          Locale.ROOT,
          "| %d exporters x %d spans/s vs %.0f requests/s for %d s | %.2f |"
              + " %d of %d (%.1f%%) | %d | %.3f | %.1f s | %.0f%% |",
          n,
          spans,
          limit,
          seconds,
          throttled / (double) Math.max(1, accepted),
          failed,
          submitted,
          100.0 * failed / Math.max(1, submitted),
          dropped,
          jain(shares),
          drain,
          100.0 * busiest / Math.max(1, total));
    }
  }

  static String outage(int n, int spans, LoopResources loops, Scheduler encode) throws Exception {
    try (LimitedSink sink = new LimitedSink(0, loops)) {
      List<BraintrustExporter> fleet = fleet(n, sink.url(), loops, encode);
      ScheduledExecutorService producer = produce(fleet, spans);
      Thread.sleep(2_000);
      sink.outage = true;
      Thread.sleep(5_000);
      sink.outage = false;
      Thread.sleep(3_000);
      producer.shutdown();
      producer.awaitTermination(5, TimeUnit.SECONDS);
      Flux.fromIterable(fleet)
          .flatMap(BraintrustExporter::flush, n)
          .onErrorResume(e -> Mono.empty())
          .blockLast(Duration.ofMinutes(2));
      long lost = 0;
      long submitted = 0;
      for (BraintrustExporter x : fleet) {
        ExporterStats s = x.stats();
        lost += s.failed() + s.droppedTotal();
        submitted += s.submitted();
        x.close();
      }
      return String.format(
          Locale.ROOT,
          "| %d exporters x %d spans/s, 5 s outage (503 to all) |" + " lost %d of %d |",
          n,
          spans,
          lost,
          submitted);
    }
  }

  static double jain(long[] shares) {
    double sum = 0;
    double squares = 0;
    for (long s : shares) {
      sum += s;
      squares += (double) s * s;
    }
    return squares == 0 ? 1 : sum * sum / (shares.length * squares);
  }
}

package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The fleet scenario in virtual time: 50 exporters with default settings, 200 spans/s each,
 * one server-wide limit of 20 insert requests/s answered beyond with 429 and Retry-After: 1.
 * Deterministic (seeded jitter), so the controller's behaviour is checked exactly, run after run.
 */
class FleetSimulationTest {
  static final Destination DEST = Destination.projectLogs("p");
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  /** A server-wide token bucket on the virtual clock: 20 requests/s, bursts of 20. */
  final class Limit {
    final double perSecond;
    double tokens;
    long last;
    boolean lifted;
    long accepted;
    long throttled;

    Limit(double perSecond) {
      this.perSecond = perSecond;
      this.tokens = perSecond;
      this.last = vts.now(TimeUnit.NANOSECONDS);
    }

    synchronized boolean take() {
      long now = vts.now(TimeUnit.NANOSECONDS);
      tokens = Math.min(perSecond, tokens + (now - last) / 1e9 * perSecond);
      last = now;
      if (lifted || tokens >= 1) {
        tokens -= lifted ? 0 : 1;
        accepted++;
        return true;
      }
      throttled++;
      return false;
    }
  }

  static final class Throttled extends RuntimeException implements RetryHint {
    Throttled() {
      super("429 Too Many Requests", null, false, false);
    }

    @Override
    public boolean isRetryable() {
      return true;
    }

    @Override
    public Duration retryAfter() {
      return Duration.ofSeconds(1);
    }

    @Override
    public boolean isThrottling() {
      return true;
    }
  }

  record Outcome(
      double throttledPerAccepted,
      double jain,
      double drainSeconds,
      long failed,
      long dropped,
      long delivered,
      long submitted) {}

  Outcome run(int exporters, int spansPerSecond, double limitPerSecond, int limitedSeconds) {
    Limit limit = new Limit(limitPerSecond);
    Random seeded = new Random(42);
    List<BraintrustExporter> fleet = new ArrayList<>();
    List<AtomicLong> deliveredWhileLimited = new ArrayList<>();
    for (int i = 0; i < exporters; i++) {
      AtomicLong mine = new AtomicLong();
      deliveredWhileLimited.add(mine);
      Transport t =
          new Transport() {
            @Override
            public Mono<InsertResult> insertOnce(Destination d, EncodedBatch b) {
              // The answer comes 50 ms later, as over a real network.
              return Mono.delay(Duration.ofMillis(50), vts)
                  .flatMap(
                      x -> {
                        if (!limit.take()) {
                          return Mono.error(new Throttled());
                        }
                        if (!limit.lifted) {
                          mine.addAndGet(b.size());
                        }
                        return Mono.just(
                            InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0));
                      });
            }
          };
      fleet.add(BraintrustExporter.builder(t).scheduler(vts).random(seeded::nextDouble).build());
    }
    int perTick = spansPerSecond / 20;
    long id = 0;
    for (int tick = 0; tick < limitedSeconds * 20; tick++) {
      for (BraintrustExporter x : fleet) {
        for (int i = 0; i < perTick; i++) {
          x.accept(BraintrustEvent.builder(DEST, "e" + id++).build());
        }
      }
      vts.advanceTimeBy(Duration.ofMillis(50));
    }
    double throttledPerAccepted = limit.throttled / (double) limit.accepted;
    long sent = deliveredWhileLimited.stream().mapToLong(AtomicLong::get).sum();
    System.out.printf(
        "limited: accepted %d, throttled %d, %.0f events per accepted request%n",
        limit.accepted, limit.throttled, sent / (double) limit.accepted);
    limit.lifted = true;
    long lifted = vts.now(TimeUnit.MILLISECONDS);
    List<java.util.concurrent.CompletableFuture<Void>> flushes = new ArrayList<>();
    for (BraintrustExporter x : fleet) {
      flushes.add(x.flush().toFuture());
    }
    while (!flushes.stream().allMatch(java.util.concurrent.CompletableFuture::isDone)) {
      vts.advanceTimeBy(Duration.ofMillis(50));
    }
    double drain = (vts.now(TimeUnit.MILLISECONDS) - lifted) / 1000.0;
    long failed = 0;
    long dropped = 0;
    long delivered = 0;
    long submitted = 0;
    for (BraintrustExporter x : fleet) {
      ExporterStats s = x.stats();
      failed += s.failed();
      dropped += s.droppedTotal();
      delivered += s.delivered();
      submitted += s.submitted();
    }
    long[] shares = deliveredWhileLimited.stream().mapToLong(AtomicLong::get).toArray();
    Outcome o =
        new Outcome(
            throttledPerAccepted, jain(shares), drain, failed, dropped, delivered, submitted);
    System.out.println("fleet simulation: " + o);
    return o;
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

  @Test
  void fiftyExportersUnderTwentyRequestsASecondSendLessLoseNothingAndShareFairly() {
    Outcome o = run(50, 200, 20, 30);

    assertThat(o.failed()).isZero();
    assertThat(o.dropped()).isZero();
    assertThat(o.delivered()).isEqualTo(o.submitted());
    assertThat(o.throttledPerAccepted()).isLessThanOrEqualTo(0.2);
    assertThat(o.jain()).isGreaterThanOrEqualTo(0.95);
    assertThat(o.drainSeconds()).isLessThanOrEqualTo(5);
  }
}

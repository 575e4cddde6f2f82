package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Under 429/503 the exporter backs off as a whole and keeps the events, in virtual time. */
class AdaptiveSendingTest {
  static final Destination DEST = Destination.projectLogs("p");
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  final List<Long> sentAt = new CopyOnWriteArrayList<>();
  final List<Integer> sizes = new CopyOnWriteArrayList<>();
  final AtomicInteger calls = new AtomicInteger();

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  /** A failure the exporter may retry, as the Reactor Netty client reports a 429 or 503. */
  static final class Refused extends RuntimeException implements RetryHint {
    private final @Nullable Duration retryAfter;

    Refused(int status, @Nullable Duration retryAfter) {
      super("status " + status);
      this.retryAfter = retryAfter;
    }

    @Override
    public boolean isRetryable() {
      return true;
    }

    @Override
    public @Nullable Duration retryAfter() {
      return retryAfter;
    }

    @Override
    public boolean isThrottling() {
      return true;
    }
  }

  /** A transport whose n-th call (from 1) is refused when {@code refuse} says so. */
  Transport transport(IntPredicate refuse, @Nullable Duration retryAfter) {
    return new Transport() {

      @Override
      public Mono<InsertResult> insertOnce(Destination d, EncodedBatch b) {
        int n = calls.incrementAndGet();
        sentAt.add(vts.now(TimeUnit.MILLISECONDS));
        if (refuse.test(n)) {
          return Mono.error(new Refused(429, retryAfter));
        }
        sizes.add(b.size());
        return Mono.just(InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0));
      }
    };
  }

  BraintrustExporterBuilder exporter(Transport t) {
    return BraintrustExporter.builder(t)
        .scheduler(vts)
        .flushInterval(Duration.ofSeconds(1))
        .random(() -> 1.0);
  }

  static BraintrustEvent event(int i) {
    return BraintrustEvent.builder(DEST, "e" + i).input(i).build();
  }

  @Test
  void aThrottledBatchWaitsOutRetryAfterWithJitterAndNothingIsLost() {
    BraintrustExporter ex = exporter(transport(n -> n <= 2, Duration.ofSeconds(2))).build();
    for (int i = 0; i < 10; i++) {
      ex.accept(event(i));
    }
    vts.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(sentAt).hasSize(1);

    // Retry-After 2 s is a floor; jitter pinned to its top adds half of it again.
    vts.advanceTimeBy(Duration.ofMillis(2_999));
    assertThat(sentAt).hasSize(1);
    vts.advanceTimeBy(Duration.ofMillis(1));
    assertThat(sentAt).hasSize(2);
    vts.advanceTimeBy(Duration.ofSeconds(10));

    assertThat(sizes).containsExactly(10);
    ExporterStats s = ex.stats();
    assertThat(s.delivered()).isEqualTo(10);
    assertThat(s.failed()).isZero();
    assertThat(s.droppedTotal()).isZero();
    assertThat(ex.meterRegistry().get("braintrust.export.throttled").functionCounter().count())
        .isEqualTo(2);
    assertThat(ex.meterRegistry().get("braintrust.requests.retries").counter().count())
        .isEqualTo(2);
  }

  @Test
  void throttlingHalvesTheRequestsInFlightAndSuccessGrowsThemBack() {
    BraintrustExporter ex =
        exporter(transport(n -> n == 1, Duration.ofSeconds(1)))
            .maxConcurrentRequests(8)
            .maxBatchEvents(1)
            .build();
    double before = ex.meterRegistry().get("braintrust.export.concurrency").gauge().value();
    ex.accept(event(0));
    vts.advanceTimeBy(Duration.ofMillis(10));
    double throttled = ex.meterRegistry().get("braintrust.export.concurrency").gauge().value();
    for (int i = 1; i < 40; i++) {
      ex.accept(event(i));
    }
    vts.advanceTimeBy(Duration.ofSeconds(60));

    assertThat(before).isEqualTo(8);
    assertThat(throttled).isEqualTo(4);
    assertThat(ex.meterRegistry().get("braintrust.export.concurrency").gauge().value())
        .isGreaterThan(4);
    assertThat(ex.stats().delivered()).isEqualTo(40);
  }

  @Test
  void aFiveSecondOutageLosesNothingWithDefaultSettings() {
    // 503 to everyone for five seconds of (virtual) time, without Retry-After.
    long[] until = {5_000};
    BraintrustExporter ex =
        exporter(transport(n -> vts.now(TimeUnit.MILLISECONDS) < until[0], null)).build();
    for (int i = 0; i < 3_000; i++) {
      ex.accept(event(i));
      if (i % 100 == 0) {
        vts.advanceTimeBy(Duration.ofMillis(150));
      }
    }
    vts.advanceTimeBy(Duration.ofSeconds(60));

    ExporterStats s = ex.stats();
    assertThat(s.delivered()).isEqualTo(3_000);
    assertThat(s.failed()).isZero();
    assertThat(s.droppedTotal()).isZero();
    // Backing off as a whole: the outage cost a handful of requests, not one per batch per retry.
    long duringOutage = sentAt.stream().filter(t -> t < 5_000).count();
    assertThat(duringOutage).isLessThanOrEqualTo(12);
  }

  @Test
  void whileThrottledBatchesGrowInsteadOfMultiplying() {
    BraintrustExporter ex =
        exporter(transport(n -> n <= 3, Duration.ofSeconds(3))).maxBatchEvents(1_000).build();
    for (int second = 0; second < 12; second++) {
      for (int i = 0; i < 50; i++) {
        ex.accept(event(second * 50 + i));
      }
      vts.advanceTimeBy(Duration.ofSeconds(1));
    }
    StepVerifier.create(ex.flush())
        .then(() -> vts.advanceTimeBy(Duration.ofSeconds(30)))
        .verifyComplete();

    // Unthrottled, 12 ticks would make 12 batches of 50; held back, later ones coalesce.
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(600);
    assertThat(sizes).hasSizeLessThan(8).anySatisfy(n -> assertThat(n).isGreaterThan(50));
  }

  @Test
  void eventsOlderThanMaxEventAgeAreGivenUpAndCountedAsSuch() {
    BraintrustExporter ex =
        exporter(transport(n -> true, Duration.ofSeconds(5)))
            .maxEventAge(Duration.ofSeconds(20))
            .build();
    for (int i = 0; i < 5; i++) {
      ex.accept(event(i));
    }
    vts.advanceTimeBy(Duration.ofSeconds(60));

    ExporterStats s = ex.stats();
    assertThat(s.dropped(DropReason.MAX_AGE)).isEqualTo(5);
    assertThat(s.failed()).isZero();
    assertThat(s.delivered() + s.failed() + s.droppedTotal() + s.pending())
        .isEqualTo(s.submitted());
  }

  @Test
  void aBufferFullBecauseTheServerThrottlesCountsDropsAsRateLimited() {
    BraintrustExporter ex =
        exporter(transport(n -> true, Duration.ofSeconds(30)))
            .capacity(10)
            .maxBatchEvents(5)
            .maxConcurrentRequests(1)
            .build();
    ex.accept(event(0));
    vts.advanceTimeBy(Duration.ofSeconds(1));
    for (int i = 1; i < 40; i++) {
      ex.accept(event(i));
    }
    assertThat(ex.stats().dropped(DropReason.RATE_LIMITED)).isPositive();
    assertThat(ex.stats().dropped(DropReason.QUEUE_FULL)).isZero();
  }

  @Test
  void theFirstFlushTickIsJitteredSoExportersStartedTogetherDoNotFlushTogether() {
    BraintrustExporter early =
        BraintrustExporter.builder(transport(n -> false, null))
            .scheduler(vts)
            .flushInterval(Duration.ofSeconds(1))
            .random(() -> 0.0)
            .build();
    early.accept(event(1));
    vts.advanceTimeBy(Duration.ofMillis(500));
    assertThat(sentAt).containsExactly(500L);
  }
}

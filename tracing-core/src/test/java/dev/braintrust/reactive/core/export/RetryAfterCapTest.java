package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A server (or a proxy in front of it) answering {@code Retry-After: 3600} pauses the exporter only
 * up to the transport's {@code maxRetryAfter} plus jitter, in virtual time: uncapped, the held
 * batch would wait an hour and expire.
 */
class RetryAfterCapTest {
  static final Destination DEST = Destination.projectLogs("p");
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  final List<Long> sentAt = new CopyOnWriteArrayList<>();

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  /** Refuses the first insert with {@code Retry-After: 3600}; caps Retry-After at 30 s. */
  Transport anHourThenAccepting() {
    return new Transport() {

      @Override
      public Mono<InsertResult> insertOnce(Destination d, EncodedBatch b) {
        sentAt.add(vts.now(TimeUnit.MILLISECONDS));
        if (sentAt.size() == 1) {
          return Mono.error(new AdaptiveSendingTest.Refused(429, Duration.ofHours(1)));
        }
        return Mono.just(InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0));
      }

      @Override
      public Duration maxRetryAfter() {
        return Duration.ofSeconds(30);
      }
    };
  }

  BraintrustExporter exporter(double jitter) {
    BraintrustExporter ex =
        BraintrustExporter.builder(anHourThenAccepting())
            .scheduler(vts)
            .flushInterval(Duration.ofSeconds(1))
            .random(() -> jitter)
            .build();
    ex.accept(BraintrustEvent.builder(DEST, "e1").input(1).build());
    vts.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(sentAt).as("the first, refused send").hasSize(1);
    return ex;
  }

  void advanceTo(long millis) {
    vts.advanceTimeBy(Duration.ofMillis(millis - vts.now(TimeUnit.MILLISECONDS)));
  }

  @Test
  void retryAfterOfAnHourResumesWithinMaxRetryAfterPlusJitter() {
    // Jitter pinned to its top: 30 s plus half of it again.
    BraintrustExporter ex = exporter(1.0);
    long refusedAt = sentAt.get(0);

    advanceTo(refusedAt + 44_999);
    assertThat(sentAt).as("still within the capped pause").hasSize(1);
    vts.advanceTimeBy(Duration.ofMillis(1));
    assertThat(sentAt).hasSize(2);
    assertThat(sentAt.get(1) - refusedAt).isEqualTo(45_000);
    assertThat(ex.stats().delivered()).isEqualTo(1);
    assertThat(ex.stats().droppedTotal()).isZero();
    assertThat(ex.stats().failed()).isZero();
  }

  @Test
  void retryAfterOfAnHourWithNoJitterResumesAtMaxRetryAfter() {
    BraintrustExporter ex = exporter(0.0);
    long refusedAt = sentAt.get(0);

    advanceTo(refusedAt + 29_999);
    assertThat(sentAt).hasSize(1);
    vts.advanceTimeBy(Duration.ofMillis(1));
    assertThat(sentAt).hasSize(2);
    assertThat(sentAt.get(1) - refusedAt).isEqualTo(30_000);
    assertThat(ex.stats().delivered()).isEqualTo(1);
  }
}

package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Capacity and the overflow policies, seen from the producer side alone. */
class AdmissionTest {
  static final Destination DEST = Destination.projectLogs("p");
  final AtomicInteger queued = new AtomicInteger();
  final ExporterMetrics metrics = new ExporterMetrics(new SimpleMeterRegistry(), queued);
  final AtomicInteger wakes = new AtomicInteger();

  Admission admission(OverflowPolicy policy) {
    return new Admission(3, 2, policy, metrics, queued, wakes::incrementAndGet, () -> false);
  }

  static BraintrustEvent event(int i) {
    return BraintrustEvent.builder(DEST, "e" + i).build();
  }

  static List<String> drain(Admission a) {
    List<String> ids = new ArrayList<>();
    for (QueueItem item = a.poll(); item != null; item = a.poll()) {
      if (item instanceof QueueItem.Event e) {
        ids.add(e.event().id());
      }
    }
    return ids;
  }

  @Test
  void dropNewestKeepsTheFirstEventsAndCountsTheRest() {
    Admission a = admission(OverflowPolicy.dropNewest());
    for (int i = 0; i < 5; i++) {
      a.offer(event(i));
    }
    assertThat(drain(a)).containsExactly("e0", "e1", "e2");
    assertThat(metrics.stats().dropped(DropReason.QUEUE_FULL)).isEqualTo(2);
    assertThat(queued).hasValue(0);
  }

  @Test
  void dropOldestKeepsTheLatestEventsAndCountsTheEvicted() {
    Admission a = admission(OverflowPolicy.dropOldest());
    for (int i = 0; i < 5; i++) {
      a.offer(event(i));
    }
    assertThat(drain(a)).containsExactly("e2", "e3", "e4");
    assertThat(metrics.stats().dropped(DropReason.EVICTED)).isEqualTo(2);
    // Evicted events had been accepted: they leave the pending count through the drop.
    assertThat(metrics.stats().accepted()).isEqualTo(5);
  }

  @Test
  void blockWaitsOnlyForItsTimeoutThenCountsTheEvent() {
    Admission a = admission(OverflowPolicy.block(Duration.ofMillis(20)));
    for (int i = 0; i < 4; i++) {
      a.offer(event(i));
    }
    assertThat(drain(a)).containsExactly("e0", "e1", "e2");
    assertThat(metrics.stats().dropped(DropReason.TIMEOUT)).isEqualTo(1);
    // While it waited it kept asking the worker to make room.
    assertThat(wakes.get()).isGreaterThan(1);
  }

  @Test
  void theWorkerIsWokenOnceABatchsWorthIsQueuedAndClosedAdmissionCountsEveryOffer() {
    Admission a = admission(OverflowPolicy.dropNewest());
    a.offer(event(0));
    assertThat(wakes).hasValue(0);
    a.offer(event(1));
    assertThat(wakes).hasValue(1);

    a.close();
    a.offer(event(2));
    a.offer(null);
    assertThat(metrics.stats().dropped(DropReason.CLOSED)).isEqualTo(1);
    assertThat(metrics.stats().dropped(DropReason.INVALID)).isEqualTo(1);
    assertThat(metrics.stats().submitted()).isEqualTo(4);
  }
}

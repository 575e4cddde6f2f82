package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The drain worker owns every batch from sealing to settlement: answers arriving on transport
 * threads, rows dropped on encode threads and a shutdown deadline on the timer are all handed to
 * it. The batch-state methods assert they run on the worker (assertions are on in test builds); a
 * failed assertion escapes a worker task to Reactor's error hook, which these tests watch.
 */
class WorkerConfinementTest {
  final List<Throwable> escaped = new CopyOnWriteArrayList<>();
  final Scheduler answers = Schedulers.newSingle("answers");

  @AfterEach
  void reset() {
    Schedulers.resetOnHandleError();
    answers.dispose();
  }

  @Test
  void theConfinementAssertionsAreLiveInTestBuilds() {
    assertThat(Batcher.class.desiredAssertionStatus()).isTrue();
    assertThat(WorkerLane.class.desiredAssertionStatus()).isTrue();
  }

  @Test
  void aLaneKnowsItsOwnTasksFromEveryOtherThread() throws Exception {
    Scheduler.Worker worker = Schedulers.newSingle("lane").createWorker();
    try {
      WorkerLane lane = new WorkerLane(worker);
      CompletableFuture<Boolean> inside = new CompletableFuture<>();
      CompletableFuture<Boolean> posted = new CompletableFuture<>();
      // Posted from a foreign thread, as a transport's answer is.
      answers.schedule(() -> lane.post(() -> inside.complete(lane.isCurrent())));
      answers.schedule(() -> posted.complete(lane.isCurrent()));
      assertThat(inside.get(30, TimeUnit.SECONDS)).as("inside a task of the lane").isTrue();
      assertThat(posted.get(30, TimeUnit.SECONDS)).as("on the posting thread").isFalse();
      assertThat(lane.isCurrent()).as("on the test thread").isFalse();
    } finally {
      worker.dispose();
    }
  }

  @Test
  void answersOnTransportThreadsDropsWhileEncodingAndADeadlineAreSettledOnTheWorker() {
    Schedulers.onHandleError("confinement", (thread, error) -> escaped.add(error));
    AtomicInteger requests = new AtomicInteger();
    // Every third request never answers: in flight when the deadline passes. The others answer on
    // a thread of their own, as Netty does.
    Transport transport =
        (destination, batch) -> {
          int n = requests.incrementAndGet();
          if (n % 3 == 0) {
            return Mono.never();
          }
          return Mono.fromSupplier(
                  () -> InsertResult.of(batch.size(), batch.bodyBytes(), batch.bodyBytes(), 1, 0))
              .subscribeOn(answers);
        };
    BraintrustExporter ex =
        BraintrustExporter.builder(transport).maxBatchEvents(10).maxBatchBytes(4_000).build();
    Destination dest = Destination.projectLogs("p");
    for (int i = 0; i < 300; i++) {
      // Every 25th row is over the request limit: dropped on an encode thread.
      String input = i % 25 == 0 ? "x".repeat(8_000) : "q" + i;
      ex.accept(BraintrustEvent.builder(dest, "c" + i).input(input).build());
    }
    ex.shutdown(Duration.ofSeconds(2))
        .onErrorResume(e -> Mono.empty())
        .block(Duration.ofMinutes(2));

    ExporterStats s = ex.stats();
    assertThat(escaped).as("errors escaping the worker's tasks").isEmpty();
    assertThat(s.submitted()).isEqualTo(300);
    assertThat(s.pending()).isZero();
    // An assertion failing inside a send (an answer accounted off the worker) would fail the batch.
    assertThat(s.failed()).as("events failed").isZero();
    assertThat(s.submitted()).isEqualTo(s.delivered() + s.failed() + s.droppedTotal());
    // The requests that never answer leave their rows to the deadline, counted once.
    assertThat(s.dropped(DropReason.IN_FLIGHT_AT_DEADLINE)).isPositive();
  }
}

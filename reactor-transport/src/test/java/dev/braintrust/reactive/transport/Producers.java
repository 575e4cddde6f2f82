package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Many producer threads released together, so they contend on the buffer at the same moment. */
final class Producers {
  private Producers() {}

  /** What producer {@code thread} does for its {@code i}-th event. */
  interface Produce {
    void produce(int thread, int i);
  }

  /** Runs {@code perThread} calls on each of {@code threads} threads and waits for all of them. */
  static void run(int threads, int perThread, Duration deadline, Produce produce)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      int thread = t;
      pool.execute(
          () -> {
            try {
              go.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
            for (int i = 0; i < perThread; i++) {
              produce.produce(thread, i);
            }
          });
    }
    go.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }
}

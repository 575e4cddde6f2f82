package dev.braintrust.reactive.core.export;

import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

/**
 * The drain worker's tasks, all run through here so the thread running one is known: the state the
 * worker owns asserts {@link #isCurrent} (assertions are on in the test builds), which keeps the
 * {@link Batcher}'s statement of who owns what true. A Reactor {@link Scheduler.Worker} runs its
 * tasks one at a time and, at equal times, in the order given: an answer posted before a send's
 * terminal signal is handled before it.
 */
final class WorkerLane {
  private final Scheduler.Worker worker;
  // The thread running a task of this lane now; written and read by that thread only.
  private @Nullable Thread owner;

  WorkerLane(Scheduler.Worker worker) {
    this.worker = worker;
  }

  /** Runs {@code task} on the worker; throws when the worker no longer takes tasks. */
  void schedule(Runnable task) {
    worker.schedule(wrap(task));
  }

  /** Runs {@code task} on the worker; dropped once the worker is gone (after a stop). */
  void post(Runnable task) {
    try {
      worker.schedule(wrap(task));
    } catch (RuntimeException rejected) {
      // The worker is gone after a stop, which settled every batch already.
    }
  }

  /** Runs {@code task} on the worker after {@code delayNanos}; dropped once the worker is gone. */
  void post(Runnable task, long delayNanos) {
    try {
      worker.schedule(wrap(task), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException rejected) {
      // Stopped meanwhile.
    }
  }

  /** Runs {@code task} on the worker, or here (as the worker's) when the worker is gone. */
  void postOrRun(Runnable task) {
    Runnable wrapped = wrap(task);
    try {
      worker.schedule(wrapped);
    } catch (RuntimeException rejected) {
      wrapped.run();
    }
  }

  /** Whether the calling thread is running one of this lane's tasks. */
  boolean isCurrent() {
    return owner == Thread.currentThread();
  }

  private Runnable wrap(Runnable task) {
    return () -> {
      Thread previous = owner;
      owner = Thread.currentThread();
      try {
        task.run();
      } finally {
        owner = previous;
      }
    };
  }
}

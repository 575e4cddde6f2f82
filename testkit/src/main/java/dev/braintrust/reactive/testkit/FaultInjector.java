package dev.braintrust.reactive.testkit;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The faults the test server applies, in order: each queued fault serves one matching request.
 * A random error rate can be set on top for soak tests.
 */
public final class FaultInjector {
  private final ConcurrentLinkedDeque<Fault> queue = new ConcurrentLinkedDeque<>();
  private final java.util.List<Periodic> periodic = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A fault for every n-th matching request. */
  private static final class Periodic {
    final int every;
    final Fault fault;
    final java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();

    Periodic(int every, Fault fault) {
      this.every = every;
      this.fault = fault;
    }
  }
  private volatile double errorRate;
  private volatile int errorStatus = 503;

  FaultInjector() {}

  /** Queues faults for the next matching requests. */
  public FaultInjector enqueue(Fault... faults) {
    for (Fault f : faults) {
      queue.add(f);
    }
    return this;
  }

  /** Queues the same fault for the next {@code times} matching requests. */
  public FaultInjector enqueue(Fault fault, int times) {
    for (int i = 0; i < times; i++) {
      queue.add(fault);
    }
    return this;
  }

  /** Applies {@code fault} to every {@code n}-th request it matches, for as long as it is set. */
  public FaultInjector everyNth(int n, Fault fault) {
    if (n <= 0) {
      throw new IllegalArgumentException("n must be positive, got " + n);
    }
    periodic.add(new Periodic(n, fault));
    return this;
  }

  /** Answers a random share of requests (0..1) with {@code status}. */
  public FaultInjector randomErrors(double rate, int status) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("rate must be between 0 and 1, got " + rate);
    }
    this.errorRate = rate;
    this.errorStatus = status;
    return this;
  }

  /** Removes all faults. */
  public void clear() {
    queue.clear();
    periodic.clear();
    errorRate = 0;
  }

  /** Faults still queued. */
  public int pending() {
    return queue.size();
  }

  @Nullable Fault next(String path) {
    for (Iterator<Fault> it = queue.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (f.matches(path) && queue.removeFirstOccurrence(f)) {
        return f;
      }
    }
    for (Periodic p : periodic) {
      if (p.fault.matches(path) && p.seen.incrementAndGet() % p.every == 0) {
        return p.fault;
      }
    }
    double rate = errorRate;
    if (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate) {
      return Fault.status(errorStatus);
    }
    return null;
  }
}

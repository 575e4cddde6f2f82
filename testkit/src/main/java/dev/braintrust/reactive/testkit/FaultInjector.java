package dev.braintrust.reactive.testkit;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The faults the test server applies, in order: each queued fault serves one matching request. A
 * random error rate can be set on top for soak tests.
 */
public final class FaultInjector {
  private final ConcurrentLinkedDeque<Fault> queue = new ConcurrentLinkedDeque<>();
  private final java.util.List<Periodic> periodic =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A fault for every n-th matching request. */
  private static final class Periodic {
    final int every;
    final Fault fault;
    final java.util.concurrent.atomic.AtomicLong seen =
        new java.util.concurrent.atomic.AtomicLong();

    Periodic(int every, Fault fault) {
      this.every = every;
      this.fault = fault;
    }
  }

  private volatile double errorRate;
  private volatile int errorStatus = 503;
  private volatile @Nullable TokenBucket limit;

  /**
   * A limit shared by every client of the server, as a real API's rate limit is: requests beyond it
   * are answered 429 with {@code Retry-After: 1}.
   */
  private static final class TokenBucket {
    final double perSecond;
    final double burst;
    final String pathFragment;
    double tokens;
    long last = System.nanoTime();

    TokenBucket(double perSecond, int burst, String pathFragment) {
      this.perSecond = perSecond;
      this.burst = burst;
      this.pathFragment = pathFragment;
      this.tokens = burst;
    }

    synchronized boolean take() {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }

  FaultInjector() {}

  /**
   * Queues faults for the next matching requests.
   *
   * @param faults the faults, in order
   * @return this injector
   */
  public FaultInjector enqueue(Fault... faults) {
    for (Fault f : faults) {
      queue.add(f);
    }
    return this;
  }

  /**
   * Queues the same fault for the next {@code times} matching requests.
   *
   * @param fault the fault
   * @param times how many requests it applies to
   * @return this injector
   */
  public FaultInjector enqueue(Fault fault, int times) {
    for (int i = 0; i < times; i++) {
      queue.add(fault);
    }
    return this;
  }

  /**
   * Applies {@code fault} to every {@code n}-th request it matches, for as long as it is set.
   *
   * @param n the period, in matching requests
   * @param fault the fault
   * @return this injector
   */
  public FaultInjector everyNth(int n, Fault fault) {
    if (n <= 0) {
      throw new IllegalArgumentException("n must be positive, got " + n);
    }
    periodic.add(new Periodic(n, fault));
    return this;
  }

  /**
   * Answers a random share of requests (0..1) with {@code status}.
   *
   * @param rate the share of requests, from 0 to 1
   * @param status the HTTP status to answer with
   * @return this injector
   */
  public FaultInjector randomErrors(double rate, int status) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("rate must be between 0 and 1, got " + rate);
    }
    this.errorRate = rate;
    this.errorStatus = status;
    return this;
  }

  /**
   * Limits requests whose path contains {@code pathFragment} to {@code perSecond} across all
   * clients (a token bucket holding up to {@code burst}); the rest are answered 429 with {@code
   * Retry-After: 1}. {@link #clear()} lifts it.
   *
   * @param perSecond the sustained rate
   * @param burst the bucket size
   * @param pathFragment the path fragment to match
   * @return this injector
   */
  public FaultInjector rateLimit(double perSecond, int burst, String pathFragment) {
    if (perSecond <= 0 || burst <= 0) {
      throw new IllegalArgumentException(
          "rate limit needs perSecond > 0 and burst > 0, got " + perSecond + ", " + burst);
    }
    limit = new TokenBucket(perSecond, burst, pathFragment);
    return this;
  }

  /** Removes all faults, the rate limit included. */
  public void clear() {
    queue.clear();
    periodic.clear();
    errorRate = 0;
    limit = null;
  }

  /**
   * Faults still queued.
   *
   * @return the number of queued faults
   */
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
    TokenBucket bucket = limit;
    if (bucket != null && path.contains(bucket.pathFragment) && !bucket.take()) {
      return Fault.rateLimited(1);
    }
    double rate = errorRate;
    if (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate) {
      return Fault.status(errorStatus);
    }
    return null;
  }
}

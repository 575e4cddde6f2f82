package dev.braintrust.reactive.transport;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline; a test fails on the deadline, never passes by time. */
final class Await {
  private Await() {}

  static void until(String what, BooleanSupplier condition) {
    until(what, condition, () -> {});
  }

  /** Runs {@code step} (e.g. advancing virtual time) until the condition holds, for up to 20 s. */
  static void until(String what, BooleanSupplier condition, Runnable step) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      step.run();
      LockSupport.parkNanos(1_000_000);
    }
  }
}

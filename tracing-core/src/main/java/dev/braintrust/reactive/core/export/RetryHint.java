package dev.braintrust.reactive.core.export;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Implemented by failures a {@link Transport} reports from {@link Transport#insertOnce}, so the
 * exporter can tell "try again later" (429, 503 and other 5xx, a lost connection) from "this will
 * never work" (400, 401, 403, 404) and honour the server's {@code Retry-After}.
 */
public interface RetryHint {
  /**
   * Whether the same request may succeed later.
   *
   * @return whether the same request may succeed later
   */
  boolean isRetryable();

  /**
   * The server's {@code Retry-After}, if it sent one.
   *
   * @return the server's {@code Retry-After}, if it sent one
   */
  default @Nullable Duration retryAfter() {
    return null;
  }

  /**
   * Whether the server said it is overloaded or limiting us (429, 503), not merely that it failed.
   *
   * @return whether the server said it is overloaded or limiting us (429, 503), not merely that it
   *     failed
   */
  default boolean isThrottling() {
    return false;
  }
}

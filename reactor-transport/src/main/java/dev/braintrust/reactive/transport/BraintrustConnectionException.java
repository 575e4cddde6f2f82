package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.export.RetryHint;

/**
 * A request that got no answer: the connection was refused or lost, or the response did not come in
 * time. The message names the request. Worth retrying later: the client retries it with backoff,
 * and the exporter pauses and sends an insert's batch again with the same row ids, so rows the
 * server stored anyway are not duplicated.
 */
public class BraintrustConnectionException extends BraintrustException implements RetryHint {
  private static final long serialVersionUID = 1L;

  /**
   * An exception for a request to {@code path} that failed with {@code cause}.
   *
   * @param path the request's path
   * @param cause why it failed
   */
  public BraintrustConnectionException(String path, Throwable cause) {
    this("POST", path, cause);
  }

  /**
   * An exception for a {@code method} request to {@code path} that failed with {@code cause}.
   *
   * @param method the request's method
   * @param path the request's path
   * @param cause why it failed
   */
  public BraintrustConnectionException(String method, String path, Throwable cause) {
    super(method + " " + path + " got no answer: " + describe(cause), cause);
  }

  private static String describe(Throwable cause) {
    if (cause instanceof io.netty.handler.timeout.ReadTimeoutException) {
      // Netty's is a message-less singleton.
      return "no response within the request timeout (" + cause.getClass().getSimpleName() + ")";
    }
    return String.valueOf(cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }

  @Override
  public boolean isThrottling() {
    return false;
  }
}

package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.export.RetryHint;

/**
 * An insert (or a name lookup made for it) that got no answer: the connection was refused or lost,
 * or the response did not come in time. Worth retrying later; the exporter pauses and sends the
 * batch again with the same row ids, so rows the server stored anyway are not duplicated.
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
    super("POST " + path + " got no answer: " + cause, cause);
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

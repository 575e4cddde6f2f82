package dev.braintrust.reactive.transport.jdk.internal;

import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.export.RetryHint;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A refused answer from the API or the object store: the status, the server's {@code error} text
 * (cut short, the API key redacted) and its {@code Retry-After}. Retryable as the Reactor Netty
 * client's {@code BraintrustApiException} is: 408, 429 and 5xx; 429 and 503 are throttling.
 */
public final class HttpFailure extends BraintrustException implements RetryHint {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final transient @Nullable Duration retryAfter;

  /**
   * A failure of {@code method path} with {@code status}.
   *
   * @param method the request's method
   * @param path the request's path (never a signed URL's query)
   * @param status the HTTP status
   * @param error what the server said, already redacted
   * @param retryAfter the server's {@code Retry-After}, or null
   */
  public HttpFailure(
      String method, String path, int status, String error, @Nullable Duration retryAfter) {
    super(method + " " + path + " failed with status " + status + ": " + error);
    this.status = status;
    this.error = error;
    this.retryAfter = retryAfter;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The server's error text. */
  public String error() {
    return error;
  }

  @Override
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public boolean isRetryable() {
    return status == 408 || status == 429 || status >= 500;
  }

  @Override
  public boolean isThrottling() {
    return status == 429 || status == 503;
  }
}

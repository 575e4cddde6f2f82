package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.export.RetryHint;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A refused answer from the Braintrust API: the status, the server's {@code error} text and the
 * request id when the server sent one. Also thrown for a 2xx whose body is not what the endpoint
 * returns (an HTML page from a proxy, say); its text then says what came back. Texts from the
 * server are cut short and have the client's API key redacted.
 */
public class BraintrustApiException extends BraintrustException implements RetryHint {
  private static final long serialVersionUID = 1L;

  /** The HTTP status. */
  private final int status;

  /** The server's error text. */
  private final String error;

  /** The request id header, or null. */
  private final @Nullable String requestId;

  private final transient @Nullable Duration retryAfter;

  /**
   * An exception for {@code status} with the server's error text.
   *
   * @param method the request's HTTP method
   * @param path the request's path
   * @param status the HTTP status
   * @param error the server's error text
   * @param requestId the request id header, or null
   * @param retryAfter the server's {@code Retry-After}, or null
   */
  public BraintrustApiException(
      String method,
      String path,
      int status,
      String error,
      @Nullable String requestId,
      @Nullable Duration retryAfter) {
    super(
        method
            + " "
            + path
            + " failed with status "
            + status
            + ": "
            + error
            + (requestId == null ? "" : " (request id " + requestId + ")"));
    this.status = status;
    this.error = error;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }

  /**
   * The HTTP status.
   *
   * @return the HTTP status
   */
  public int status() {
    return status;
  }

  /**
   * The server's error text ({@code error} field of the body, else the raw body).
   *
   * @return the server's error text ({@code error} field of the body, else the raw body)
   */
  public String error() {
    return error;
  }

  /**
   * The request id header, if the server sent one.
   *
   * @return the request id header, if the server sent one
   */
  public @Nullable String requestId() {
    return requestId;
  }

  /** The server's {@code Retry-After}, if any. */
  @Override
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }

  /** Whether the request may succeed if sent again: 408, 429 and 5xx. */
  @Override
  public boolean isRetryable() {
    return status == 408 || status == 429 || status >= 500;
  }

  /** Whether the server said it is limiting or overloaded: 429 or 503. */
  @Override
  public boolean isThrottling() {
    return status == 429 || status == 503;
  }
}

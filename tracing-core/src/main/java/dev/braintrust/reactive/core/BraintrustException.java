package dev.braintrust.reactive.core;

/**
 * The root of this library's exceptions: catch it to handle any Braintrust failure, whether an API
 * call was refused ({@code BraintrustApiException}) or buffered events could not be delivered
 * ({@link dev.braintrust.reactive.core.export.BraintrustExportException}).
 */
public class BraintrustException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message.
   *
   * @param message the message
   */
  public BraintrustException(String message) {
    super(message);
  }

  /**
   * An exception with this message and cause.
   *
   * @param message the message
   * @param cause the cause
   */
  public BraintrustException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.braintrust.reactive.eval.internal;

/** A dev-server request answered with {@link #status()} and this message as {@code {"error"}}. */
public final class RequestRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /** A refusal with this HTTP status. */
  public RequestRefused(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }
}

package dev.braintrust.reactive.testkit.internal;

/** Ends a request with an error status and a {@code {"error": ...}} body. */
public final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  private HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** 400: the request does not fit the API's shapes. */
  public static HttpError badRequest(String message) {
    return new HttpError(400, message);
  }

  /** 404: the object or route does not exist. */
  public static HttpError notFound(String message) {
    return new HttpError(404, message);
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }
}

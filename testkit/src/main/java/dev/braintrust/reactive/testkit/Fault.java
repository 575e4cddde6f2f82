package dev.braintrust.reactive.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A scripted misbehaviour for the test server: answer with a status, delay, or drop the connection.
 * Faults are immutable; {@link FaultInjector} applies them to matching requests.
 */
public final class Fault {
  private final int status;
  private final Map<String, String> headers;
  private final @Nullable String body;
  private final Duration delay;
  private final boolean disconnect;
  private final String pathContains;

  private Fault(
      int status,
      Map<String, String> headers,
      @Nullable String body,
      Duration delay,
      boolean disconnect,
      String pathContains) {
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.body = body;
    this.delay = delay;
    this.disconnect = disconnect;
    this.pathContains = pathContains;
  }

  /**
   * Answer with this status and a JSON error body, without processing the request.
   *
   * @param status the HTTP status
   * @return the fault
   */
  public static Fault status(int status) {
    return new Fault(status, Map.of(), null, Duration.ZERO, false, "");
  }

  /**
   * Answer 429 with {@code Retry-After: seconds}.
   *
   * @param retryAfterSeconds the {@code Retry-After} value, in seconds
   * @return the fault
   */
  public static Fault rateLimited(int retryAfterSeconds) {
    return status(429).header("Retry-After", Integer.toString(retryAfterSeconds));
  }

  /**
   * Wait this long, then process the request normally.
   *
   * @param delay how long to wait
   * @return the fault
   */
  public static Fault delay(Duration delay) {
    return new Fault(0, Map.of(), null, Objects.requireNonNull(delay), false, "");
  }

  /**
   * Close the connection without answering (the request is read, not processed).
   *
   * @return the fault
   */
  public static Fault disconnect() {
    return new Fault(0, Map.of(), null, Duration.ZERO, true, "");
  }

  /**
   * This fault with an extra response header.
   *
   * @param name the header's name
   * @param value the header's value
   * @return the new fault
   */
  public Fault header(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Fault(status, h, body, delay, disconnect, pathContains);
  }

  /**
   * This fault answered only after {@code delay}, e.g. a 503 slower than the client's timeout.
   *
   * @param delay how long to wait before answering
   * @return the new fault
   */
  public Fault delayed(Duration delay) {
    return new Fault(
        status, headers, body, Objects.requireNonNull(delay), disconnect, pathContains);
  }

  /**
   * This fault with a custom response body.
   *
   * @param body the response body
   * @return the new fault
   */
  public Fault body(String body) {
    return new Fault(status, headers, body, delay, disconnect, pathContains);
  }

  /**
   * This fault applied only to requests whose path contains {@code fragment}.
   *
   * @param fragment the path fragment to match
   * @return the new fault
   */
  public Fault onPathContaining(String fragment) {
    return new Fault(status, headers, body, delay, disconnect, Objects.requireNonNull(fragment));
  }

  int statusCode() {
    return status;
  }

  Map<String, String> headers() {
    return headers;
  }

  @Nullable String bodyText() {
    return body;
  }

  Duration delayTime() {
    return delay;
  }

  boolean isDisconnect() {
    return disconnect;
  }

  boolean matches(String path) {
    return path.contains(pathContains);
  }

  @Override
  public String toString() {
    return disconnect ? "disconnect" : status > 0 ? "status " + status : "delay " + delay;
  }
}

package dev.braintrust.reactive.core.export;

/** Why an event was not sent; the {@code reason} tag of {@code braintrust.events.dropped}. */
public enum DropReason {
  /** The buffer was full and the policy dropped the new event. */
  QUEUE_FULL("queue_full"),
  /** The buffer was full and the policy evicted this older event. */
  EVICTED("evicted"),
  /**
   * The buffer was full because the server was throttling the exporter (429/503), so nothing
   * drained.
   */
  RATE_LIMITED("rate_limited"),
  /** The event waited longer than {@code maxEventAge} for the server to take it. */
  MAX_AGE("max_age"),
  /** The buffer stayed full for the whole blocking timeout. */
  TIMEOUT("timeout"),
  /** The exporter was already closed. */
  CLOSED("closed"),
  /** The event's JSON is larger than one request may be. */
  OVERSIZED("oversized"),
  /** The event was null or otherwise unusable. */
  INVALID("invalid"),
  /** Shutdown's deadline passed before the event was sent. */
  SHUTDOWN_DEADLINE("shutdown_deadline"),
  /**
   * Shutdown's deadline passed while the event's request was in flight: the server may or may not
   * have stored it.
   */
  IN_FLIGHT_AT_DEADLINE("in_flight_at_deadline"),
  /**
   * Shutdown's deadline passed before the event was delivered, but it is in the disk spool: an
   * exporter opened on the same directory sends it. Not lost.
   */
  LEFT_IN_SPOOL("left_in_spool");

  private final String tag;

  DropReason(String tag) {
    this.tag = tag;
  }

  /**
   * The metric tag value.
   *
   * @return the metric tag value
   */
  public String tag() {
    return tag;
  }
}

package dev.braintrust.reactive.core.export;

/** Why an event was not sent; the {@code reason} tag of {@code braintrust.events.dropped}. */
public enum DropReason {
  /** The buffer was full and the policy dropped the new event. */
  QUEUE_FULL("queue_full"),
  /** The buffer was full and the policy evicted this older event. */
  EVICTED("evicted"),
  /** The buffer stayed full for the whole blocking timeout. */
  TIMEOUT("timeout"),
  /** The exporter was already closed. */
  CLOSED("closed"),
  /** The event's JSON is larger than one request may be. */
  OVERSIZED("oversized"),
  /** The event was null or otherwise unusable. */
  INVALID("invalid"),
  /** Shutdown's deadline passed before the event was delivered. */
  SHUTDOWN_DEADLINE("shutdown_deadline");

  private final String tag;

  DropReason(String tag) {
    this.tag = tag;
  }

  /** The metric tag value. */
  public String tag() {
    return tag;
  }
}

package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustException;

/** Signals that some events could not be delivered; their count and the last reason are given. */
public class BraintrustExportException extends BraintrustException {
  private static final long serialVersionUID = 1L;

  /** How many events were not delivered. */
  private final long failedEvents;

  /**
   * An exception for {@code failedEvents} undelivered events.
   *
   * @param failedEvents how many events were not delivered
   * @param reason why
   */
  public BraintrustExportException(long failedEvents, String reason) {
    super(failedEvents + " event(s) were not delivered: " + reason);
    this.failedEvents = failedEvents;
  }

  /**
   * How many events were not delivered.
   *
   * @return how many events were not delivered
   */
  public long failedEvents() {
    return failedEvents;
  }
}

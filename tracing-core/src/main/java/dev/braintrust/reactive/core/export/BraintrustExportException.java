package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustException;

/** Signals that some events could not be delivered; their count and the last reason are given. */
public class BraintrustExportException extends BraintrustException {
  private static final long serialVersionUID = 1L;
  private final long failedEvents;

  /** An exception for {@code failedEvents} undelivered events. */
  public BraintrustExportException(long failedEvents, String reason) {
    super(failedEvents + " event(s) were not delivered: " + reason);
    this.failedEvents = failedEvents;
  }

  /** How many events were not delivered. */
  public long failedEvents() {
    return failedEvents;
  }
}

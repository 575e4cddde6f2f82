package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;

/** What the buffer's queue holds: an event, or a flush marker placed between events. */
sealed interface QueueItem permits QueueItem.Event, FlushMarker {

  /** An accepted event waiting to be batched. */
  record Event(BraintrustEvent event) implements QueueItem {}
}

package dev.braintrust.reactive.core.export;

import org.jspecify.annotations.Nullable;

/**
 * Where the drain worker takes its rows from, and tells when it is done with them: the admission
 * queue (memory only) or the spool feed (rows read back from disk).
 */
interface Source {
  /** The next row or flush marker, or null. Called on the drain worker. */
  @Nullable QueueItem poll();

  /** Places a flush marker behind every event offered so far. */
  void mark(FlushMarker marker);

  /**
   * The batch's rows are resolved for good (delivered, failed or dropped): their memory is released
   * and, with a spool, they are acknowledged on disk.
   */
  void settled(PendingBatch batch);

  /**
   * A shutdown deadline gave up on the batch: its memory is released, but rows on disk stay there
   * for the next exporter.
   */
  void abandoned(PendingBatch batch);

  /**
   * Whether the source has no room left until batches settle: the worker then seals its open
   * batches at once instead of waiting for the flush interval.
   */
  default boolean isFull() {
    return false;
  }
}

package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.internal.Segment;
import java.nio.charset.StandardCharsets;

/** What the buffer's queues hold: rows, and flush markers placed between them. */
sealed interface QueueItem permits QueueItem.Entry, FlushMarker {

  /** A row on its way to a batch: an event, or a row already written as JSON. */
  sealed interface Entry extends QueueItem permits Event, Row {
    Destination destination();

    /** The row id, for log lines. */
    String id();

    /** The bytes it holds against a budget (0 when no byte budget applies). */
    long bytes();
  }

  /**
   * An accepted event waiting to be batched, with the bytes it reserved in the byte budget
   * (estimated at admission; 0 without a budget).
   */
  record Event(BraintrustEvent event, long bytes) implements Entry {
    @Override
    public Destination destination() {
      return event.destination();
    }

    @Override
    public String id() {
      return event.id();
    }
  }

  /**
   * A row read from (or just written to) the disk spool: its JSON is {@code length} bytes of {@code
   * data} at {@code offset}; its record in {@code segment} (the {@code ordinal}-th handed on from
   * it, ending at {@code end}) is acknowledged once the row is settled.
   */
  record Row(
      Destination destination,
      byte[] data,
      int offset,
      int length,
      Segment segment,
      int ordinal,
      long end)
      implements Entry {
    @Override
    public long bytes() {
      return length;
    }

    /** The row's id, read from its JSON (the encoder writes it first); for log lines only. */
    @Override
    public String id() {
      int start = offset + "{\"id\":\"".length();
      int end = start;
      int limit = Math.min(offset + length, start + 1100);
      while (end < limit && data[end] != '"') {
        end++;
      }
      return end <= limit && end > start
          ? new String(data, start, end - start, StandardCharsets.UTF_8)
          : "?";
    }
  }
}

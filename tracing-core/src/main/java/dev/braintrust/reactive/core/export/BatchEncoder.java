package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.core.internal.RowBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Writes sealed batches to JSON, one request-sized chunk at a time, on the encode threads. The
 * request-size limit is enforced here and only here: no chunk's body is larger than {@code
 * maxBytes}, and a single event that can't fit is dropped as {@code oversized}.
 */
final class BatchEncoder {
  private final EventEncoder encoder;
  private final long maxBytes;
  private final ExporterMetrics metrics;
  // Each encode thread writes a row into its own buffer (and its generator, kept from row to row),
  // then copies it into the chunk's current segment.
  private final ThreadLocal<RowBuffer> scratch =
      ThreadLocal.withInitial(() -> new RowBuffer(SCRATCH));

  /** The scratch buffer's usual size; one grown past four times this by a large row is dropped. */
  static final int SCRATCH = 16 * 1024;

  /**
   * The size of the arrays a chunk's rows are copied into: well under half of G1's smallest region
   * (1 MiB), so no chunk allocates a humongous array unless one row is that large.
   */
  static final int SEGMENT = 64 * 1024;

  BatchEncoder(EventEncoder encoder, long maxBytes, ExporterMetrics metrics) {
    this.encoder = encoder;
    this.maxBytes = maxBytes;
    this.metrics = metrics;
  }

  /**
   * A request-sized chunk of encoded rows, how many events each row carries, and the batch's events
   * it covers ({@code from} inclusive, {@code to} exclusive).
   */
  record Chunk(EncodedBatch batch, int[] rowWeights, int weight, int from, int to) {
    /** Events carried by the rows the transport refused. */
    long weightOf(List<InsertResult.Rejected> rejected) {
      long n = 0;
      for (InsertResult.Rejected r : rejected) {
        if (r.index() < rowWeights.length) {
          n += rowWeights[r.index()];
        }
      }
      return n;
    }
  }

  /** Reads one batch chunk by chunk, counting a dropped row at once (tests). */
  Cursor cursor(PendingBatch batch) {
    return new Cursor(batch, Runnable::run);
  }

  /**
   * Reads one batch chunk by chunk; one cursor per batch, used by one encode thread at a time. A
   * row dropped while encoding is counted through {@code owner} (the drain worker), which owns the
   * batch's progress: unless the batch was settled meanwhile (a shutdown deadline counted it then).
   */
  Cursor cursor(PendingBatch batch, Executor owner) {
    return new Cursor(batch, owner);
  }

  final class Cursor {
    private final PendingBatch batch;
    private final Executor owner;
    private int next;

    private Cursor(PendingBatch batch, Executor owner) {
      this.batch = batch;
      this.owner = owner;
      this.next = batch.ackedUpTo;
    }

    /** The next chunk, or null when the batch is done. */
    @Nullable Chunk next() {
      List<QueueItem.Entry> events = batch.entries;
      while (next < events.size()) {
        Chunk c = encodeFrom(events);
        if (c != null) {
          return c;
        }
      }
      return null;
    }

    private @Nullable Chunk encodeFrom(List<QueueItem.Entry> events) {
      int from = next;
      RowBuffer buffer = scratch.get();
      int capacity = Math.min(events.size() - next, 64);
      byte[][] arrays = new byte[capacity][];
      int[] starts = new int[capacity];
      int[] lengths = new int[capacity];
      int[] weights = new int[capacity];
      byte[] segment = null;
      int used = 0;
      int rows = 0;
      long rowBytes = 0;
      int weight = 0;
      while (next < events.size()) {
        if (batch.skipped[next]) {
          next++;
          continue;
        }
        QueueItem.Entry event = events.get(next);
        int w = batch.weights[next];
        buffer.truncate(0);
        List<String> errors;
        try {
          errors = write(event, buffer);
        } catch (RuntimeException e) {
          // The encoder isolates bad values itself; this is the last guard so nothing vanishes
          // uncounted.
          skip(w, DropReason.INVALID, "event " + event.id() + " could not be encoded: " + e);
          continue;
        }
        int length = buffer.length();
        if (EncodedBatch.bodyBytesFor(length, 1) > maxBytes) {
          skip(
              w,
              DropReason.OVERSIZED,
              "event "
                  + event.id()
                  + " is "
                  + length
                  + " bytes of JSON, over the request limit of "
                  + maxBytes
                  + " bytes; not sent");
          continue;
        }
        if (rows > 0 && EncodedBatch.bodyBytesFor(rowBytes + length, rows + 1) > maxBytes) {
          // This row starts the next chunk; it is encoded again then.
          break;
        }
        if (!errors.isEmpty()) {
          metrics.serializationError(event.id(), errors);
        }
        if (rows == starts.length) {
          arrays = Arrays.copyOf(arrays, rows * 2);
          starts = Arrays.copyOf(starts, rows * 2);
          lengths = Arrays.copyOf(lengths, rows * 2);
          weights = Arrays.copyOf(weights, rows * 2);
        }
        if (segment == null || used + length > segment.length) {
          segment = new byte[Math.max(SEGMENT, length)];
          used = 0;
        }
        System.arraycopy(buffer.array(), 0, segment, used, length);
        arrays[rows] = segment;
        starts[rows] = used;
        lengths[rows] = length;
        weights[rows] = w;
        used += length;
        rows++;
        rowBytes += length;
        weight += w;
        next++;
      }
      if (buffer.array().length > 4 * SCRATCH) {
        // A large row grew it: not kept for the thread's lifetime.
        scratch.remove();
      }
      if (rows == 0) {
        return null;
      }
      return new Chunk(
          EncodedBatch.wrap(arrays, starts, lengths, rows), weights, weight, from, next);
    }

    /** Encodes an event, or copies a row already written as JSON (from the spool). */
    private List<String> write(QueueItem.Entry entry, RowBuffer buffer) {
      if (entry instanceof QueueItem.Row row) {
        buffer.write(row.data(), row.offset(), row.length());
        return List.of();
      }
      return encoder.encodeTo(((QueueItem.Event) entry).event(), buffer);
    }

    private void skip(int weight, DropReason reason, String why) {
      // Encoding this batch again (a retry) skips the row; its count is the owner's to make.
      batch.skipped[next] = true;
      owner.execute(
          () -> {
            if (!batch.isSettled()) {
              batch.droppedInEncoding += weight;
              metrics.droppedAfterAccept(reason, weight, why);
            }
          });
      next++;
    }
  }
}

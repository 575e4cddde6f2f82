package dev.braintrust.reactive.instrumentation.anthropic.internal;

import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The span of one streamed call: sees each event before the caller does, and ends the span once, on
 * {@code message_stop}, the end of the stream, an error, or a close, whichever comes first. Events
 * arrive on one thread while a close may come from another, so the methods synchronize; the lock is
 * held for the few microseconds an event takes to fold in and is never waited on otherwise.
 * Failures of the tracing itself are logged, never thrown into the stream.
 */
final class StreamRecorder {
  private static final LibraryLog LOG = LibraryLog.get(StreamRecorder.class);

  private final Span span;
  private final long startNanos;
  private final MessageAssembler assembler = new MessageAssembler();
  private double timeToFirstToken = -1;
  private boolean done;
  // A lock, not a monitor: finishing may wait for room in the exporter's buffer, and a virtual
  // thread must not pin its carrier while it does.
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * Records into {@code span}, a call started at {@code startNanos} ({@link System#nanoTime()}).
   */
  StreamRecorder(Span span, long startNanos) {
    this.span = span;
    this.startNanos = startNanos;
  }

  /** Folds in an event the caller is about to receive. */
  void onEvent(RawMessageStreamEvent event) {
    lock.lock();
    try {
      if (done) {
        return;
      }
      String type;
      try {
        type = assembler.add(event);
      } catch (RuntimeException e) {
        LOG.warn("could not record an Anthropic stream event; the span's output may be partial", e);
        return;
      }
      // The first generated token (text, thinking or tool arguments), not the message_start
      // envelope, a block's start, an empty delta or a thinking block's signature.
      if (timeToFirstToken < 0 && assembler.lastAddedContent()) {
        timeToFirstToken = (System.nanoTime() - startNanos) / 1e9;
      }
      if (type.equals("message_stop")) {
        finish(null, false);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The stream ended. */
  void complete() {
    finish(null, false);
  }

  /** The stream failed with {@code error}, which the caller sees unchanged. */
  void fail(Throwable error) {
    finish(error, false);
  }

  /** The caller closed the stream or gave up on it. */
  void cancel() {
    finish(null, true);
  }

  private void finish(@Nullable Throwable error, boolean cancelled) {
    lock.lock();
    try {
      if (done) {
        return;
      }
      done = true;
      try {
        Log.Builder log =
            assembler.isEmpty() ? Log.builder() : MessageRows.output(assembler.snapshot());
        if (timeToFirstToken >= 0) {
          log.metric("time_to_first_token", timeToFirstToken);
        }
        if (cancelled) {
          log.metadata("cancelled", true);
        }
        if (error != null) {
          log.error(error);
        }
        span.log(log.build());
      } catch (RuntimeException e) {
        LOG.warn("could not record an Anthropic stream's output", e);
      } finally {
        span.end();
      }
    } finally {
      lock.unlock();
    }
  }
}

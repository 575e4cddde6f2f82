package dev.braintrust.reactive.instrumentation.bedrock.internal;

import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;

/**
 * The span of one Converse execution and what has been seen of its answer. The SDK calls the
 * interceptor from the caller's thread and from its I/O threads, and a cancel may come from yet
 * another, so every method takes the lock; each holds it for the few microseconds a chunk takes.
 * The span ends once: on the execution's success or failure, or on a cancel, whichever is first.
 * Failures of the tracing itself are logged, never thrown into the SDK.
 */
final class Call {
  private static final LibraryLog LOG = LibraryLog.get(Call.class);

  private final Span span;
  private final boolean stream;
  private final long startNanos;
  // A lock, not a monitor: ending may wait for room in the exporter's buffer, and a virtual
  // thread must not pin its carrier while it does.
  private final ReentrantLock lock = new ReentrantLock();
  private @Nullable ConverseResponse response;
  private StreamAssembler assembler = new StreamAssembler();
  // An exception message in the current attempt's stream: the SDK retries or fails on it.
  private boolean streamFailed;
  private double timeToFirstToken = -1;
  private boolean done;

  private final String modelId;

  Call(Span span, boolean stream, long startNanos, String modelId) {
    this.span = span;
    this.modelId = modelId;
    this.stream = stream;
    this.startNanos = startNanos;
  }

  Span span() {
    return span;
  }

  /** The model id the request names. */
  String modelId() {
    return modelId;
  }

  boolean stream() {
    return stream;
  }

  /**
   * A stream attempt begins; a retried attempt starts over, so the span holds the reply the call
   * ended with (time to first token still counts from the first attempt).
   */
  void newAttempt() {
    lock.lock();
    try {
      assembler = new StreamAssembler();
      streamFailed = false;
    } finally {
      lock.unlock();
    }
  }

  /** Folds in one decoded stream event. */
  void onEvent(String eventType, byte[] payload) {
    lock.lock();
    try {
      if (done) {
        return;
      }
      boolean content = assembler.add(eventType, payload);
      if (content && timeToFirstToken < 0) {
        timeToFirstToken = (System.nanoTime() - startNanos) / 1e9;
      }
    } catch (Exception e) {
      LOG.warn("could not record a Bedrock stream event; the span's output may be partial", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The stream carried an exception message ({@code throttlingException}, ...): the SDK either
   * retries, which starts a new attempt, or fails the execution, which ends the span with its
   * error.
   */
  void onStreamException() {
    lock.lock();
    try {
      streamFailed = true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * An attempt's stream ended: when it held no exception the call has its whole reply, and the span
   * ends now, before the SDK hears of the end and completes the caller's future.
   */
  void streamEnded() {
    lock.lock();
    try {
      if (!streamFailed) {
        finish(null, false);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The stream's bytes could not be decoded; its events are no longer followed. */
  void undecodable(RuntimeException e) {
    LOG.warn("could not decode a Bedrock event stream; the span's output may be partial", e);
  }

  /** The execution succeeded with {@code reply} (the SDK's parsed response). */
  void succeed(@Nullable Object reply) {
    lock.lock();
    try {
      if (reply instanceof ConverseResponse r) {
        response = r;
      }
      finish(null, false);
    } finally {
      lock.unlock();
    }
  }

  /** The execution failed with {@code error}, which the caller sees unchanged. */
  void fail(Throwable error) {
    Throwable cause = unwrap(error);
    finish(
        cause instanceof CancellationException ? null : cause,
        cause instanceof CancellationException);
  }

  /**
   * The response's bytes were cancelled: the caller gave up on the answer, unless the stream held
   * an exception, on which the SDK itself cancels before it retries or fails.
   */
  void cancel() {
    lock.lock();
    try {
      if (!streamFailed) {
        finish(null, true);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The caller cancelled the future the SDK returned. */
  void callerCancelled() {
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
        Log.Builder log = Log.builder();
        if (stream) {
          if (!assembler.isEmpty()) {
            log = ConverseRows.response(assembler.snapshot());
          }
          if (timeToFirstToken >= 0) {
            log.metric("time_to_first_token", timeToFirstToken);
          }
        } else if (error == null && !cancelled && response != null) {
          log = ConverseRows.response(response);
        }
        if (cancelled) {
          log.metadata("cancelled", true);
        }
        if (error != null) {
          log.error(error);
        }
        span.log(log.build());
      } catch (Exception e) {
        LOG.warn("could not record a Bedrock reply on span {}", span.name(), e);
      } finally {
        response = null;
        span.end();
      }
    } finally {
      lock.unlock();
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}

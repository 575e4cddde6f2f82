package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The span of one call: sees the response bytes as the SDK reads them and ends the span once, when
 * the body is read to its end, reading fails, the call fails, or the response is closed, whichever
 * comes first. A whole response is scanned at its end; a stream's Server-Sent Events are kept and
 * scanned line by line as they arrive (see {@link StreamChunks}), the first one carrying content
 * setting {@code time_to_first_token}; both become trees when the exporter writes the row. Reads
 * happen on one thread while a close may come from another, so the methods synchronize; the lock is
 * held only while bytes are folded in. Failures of the tracing itself are logged, never thrown into
 * the call.
 */
final class CallRecorder {
  private static final LibraryLog LOG = LibraryLog.get(CallRecorder.class);

  private final Span span;
  private final Op op;
  private final long startNanos;
  // The request's fields, logged with the response's in one log when the call ends: one merge
  // into the span's row instead of two.
  private final Log.Builder request;
  // The model the request path named, which a response's modelVersion usually repeats.
  private final String model;
  // A whole body's bytes, or a stream's unfinished line: one of the two.
  private final @Nullable BodyBytes whole;
  private final @Nullable Buffer pending;
  private final @Nullable StreamChunks chunks;
  private double timeToFirstToken = -1;
  private boolean broken;
  private boolean done;
  // A lock, not a monitor: finishing may wait for room in the exporter's buffer, and a virtual
  // thread must not pin its carrier while it does.
  private final ReentrantLock lock = new ReentrantLock();

  /** The span this recorder ends. */
  Span span() {
    return span;
  }

  CallRecorder(Span span, Op op, long startNanos, String model, Log.Builder request) {
    this.span = span;
    this.model = model;
    this.request = request;
    this.whole = op.streamed ? null : new BodyBytes();
    this.pending = op.streamed ? new Buffer() : null;
    this.op = op;
    this.startNanos = startNanos;
    this.chunks = op.streamed ? new StreamChunks() : null;
  }

  /**
   * The {@code length} bytes at {@code offset} of {@code source}, which the SDK has just read. A
   * whole body's are copied (see {@link BodyBytes}); a stream's are shared (okio moves segments)
   * and split into lines only where a line is complete, so a character cut between two reads is
   * decoded whole.
   */
  void onBytes(Buffer source, long offset, long length) {
    lock.lock();
    try {
      if (done || broken) {
        return;
      }
      if (whole != null) {
        source.copyTo(whole, offset, length);
        return;
      }
      Buffer pending = this.pending;
      if (pending == null) {
        return;
      }
      source.copyTo(pending, offset, length);
      for (long nl = pending.indexOf((byte) '\n'); nl >= 0; nl = pending.indexOf((byte) '\n')) {
        // The line's bytes, not a decoded String: they are scanned and kept as they are.
        byte[] line = pending.readByteArray(nl);
        pending.skip(1);
        line(line);
      }
    } catch (RuntimeException | IOException e) {
      broken = true;
      LOG.warn("could not record a Gemini response; the span's output may be partial", e);
    } finally {
      lock.unlock();
    }
  }

  private void line(byte[] line) {
    StreamChunks chunks = this.chunks;
    if (chunks == null || !isData(line)) {
      return;
    }
    int start = DATA.length;
    int end = line.length;
    while (start < end && whitespace(line[start])) {
      start++;
    }
    while (end > start && whitespace(line[end - 1])) {
      end--;
    }
    boolean content;
    try {
      // Kept as read and only scanned here; folded into one response when the row is written.
      content = chunks.add(line, start, end);
    } catch (IOException e) {
      // Not JSON: the SDK will say so to the caller; the span keeps what it had.
      return;
    }
    if (content && timeToFirstToken < 0) {
      timeToFirstToken = (System.nanoTime() - startNanos) / 1e9;
    }
  }

  private static final byte[] DATA = {'d', 'a', 't', 'a', ':'};

  /** Whether {@code line} is a Server-Sent Event's {@code data:} field. */
  private static boolean isData(byte[] line) {
    if (line.length < DATA.length) {
      return false;
    }
    for (int i = 0; i < DATA.length; i++) {
      if (line[i] != DATA[i]) {
        return false;
      }
    }
    return true;
  }

  // What String.strip() removed around an event's data: ASCII whitespace ('\r' of a CRLF line).
  private static boolean whitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f' || b == 0x0b;
  }

  /** The body was read to its end. */
  void complete() {
    finish(null, false);
  }

  /** The call or the read failed with {@code error}, which the caller sees unchanged. */
  void fail(Throwable error) {
    finish(error, false);
  }

  /** The response was closed: complete if all of it was read, else cut short by the caller. */
  void closed() {
    finish(null, true);
  }

  private void finish(@Nullable Throwable error, boolean closed) {
    lock.lock();
    try {
      if (done) {
        return;
      }
      done = true;
      try {
        Log.Builder log = broken ? request : output(closed && error == null);
        if (timeToFirstToken >= 0) {
          log.metric("time_to_first_token", timeToFirstToken);
        }
        if (closed && error == null) {
          log.metadata("cancelled", true);
        }
        if (error != null) {
          log.error(error);
        }
        span.log(log.build());
      } catch (RuntimeException e) {
        LOG.warn("could not record a Gemini response on span {}", span.name(), e);
      } finally {
        span.end();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The request's fields with the response's added, or alone if there is no response. */
  private Log.Builder output(boolean cutShort) {
    Log.Builder log = request;
    Buffer pending = this.pending;
    StreamChunks chunks = this.chunks;
    if (chunks != null && pending != null) {
      if (!cutShort && pending.size() > 0) {
        line(pending.readByteArray());
      }
      return chunks.isEmpty() ? log : chunks.record(log);
    }
    BodyBytes whole = this.whole;
    if (whole == null || whole.size() == 0) {
      return log;
    }
    if (op == Op.GENERATE) {
      // The bytes are kept as read and become the output's tree when the row is written.
      WireScan.response(whole.array(), whole.size(), model, log);
      return log;
    }
    JsonNode body;
    try {
      body = GeminiRows.MAPPER.readTree(whole.array(), 0, whole.size());
    } catch (IOException e) {
      // Cut short or not JSON: the SDK tells the caller; the span has no output.
      return log;
    }
    return GeminiRows.embedding(body, log);
  }
}

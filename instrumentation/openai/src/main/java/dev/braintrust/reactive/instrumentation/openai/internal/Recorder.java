package dev.braintrust.reactive.instrumentation.openai.internal;

/**
 * What a traced stream tells about the client's stream: each element as it passes, then exactly one
 * of its ends (later ends are ignored by the span, which ends once).
 *
 * @param <T> the stream's element type
 */
interface Recorder<T> {
  /** An element on its way to the caller. */
  void next(T item);

  /** The stream was read to its end. */
  void complete();

  /** The stream failed with {@code error}, which the caller gets as is. */
  void fail(Throwable error);

  /** The caller closed the stream before its end. */
  void cancel();
}

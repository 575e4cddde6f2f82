package dev.braintrust.reactive.instrumentation.openai.internal;

import com.openai.core.http.StreamResponse;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A blocking stream that yields the client's chunks (or events) unchanged and in order while
 * recording them; the span ends when the stream is exhausted, fails, or either it or this response
 * is closed early (cancelled).
 */
final class TracedStreamResponse<T> implements StreamResponse<T> {
  private final StreamResponse<T> delegate;
  private final Recorder<T> recorder;

  TracedStreamResponse(StreamResponse<T> delegate, Recorder<T> recorder) {
    this.delegate = delegate;
    this.recorder = recorder;
  }

  @Override
  public Stream<T> stream() {
    Stream<T> source = delegate.stream();
    // Closing the Stream the caller got ends the call as closing this response does: a caller
    // who stops reading in try-with-resources on the Stream alone must not leave the span open.
    return StreamSupport.stream(
            new Recording<>(source.spliterator(), recorder), source.isParallel())
        .onClose(
            () -> {
              recorder.cancel();
              source.close();
            });
  }

  @Override
  public void close() {
    recorder.cancel();
    delegate.close();
  }

  /**
   * Sees every chunk and the end of the stream, which {@code peek} can't: exhaustion is a {@code
   * tryAdvance} that returns false.
   */
  private static final class Recording<T> implements Spliterator<T> {
    private final Spliterator<T> source;
    private final Recorder<T> recorder;

    Recording(Spliterator<T> source, Recorder<T> recorder) {
      this.source = source;
      this.recorder = recorder;
    }

    @Override
    public boolean tryAdvance(Consumer<? super T> action) {
      boolean[] inAction = {false};
      boolean advanced;
      try {
        advanced =
            source.tryAdvance(
                chunk -> {
                  recorder.next(chunk);
                  inAction[0] = true;
                  action.accept(chunk);
                  inAction[0] = false;
                });
      } catch (RuntimeException | Error e) {
        // The caller's own exception is theirs, not the call's: the span ends when they close.
        if (!inAction[0]) {
          recorder.fail(e);
        }
        throw e;
      }
      if (!advanced) {
        recorder.complete();
      }
      return advanced;
    }

    @Override
    public @Nullable Spliterator<T> trySplit() {
      return null;
    }

    @Override
    public long estimateSize() {
      return source.estimateSize();
    }

    @Override
    public int characteristics() {
      return source.characteristics() & ~(SIZED | SUBSIZED);
    }
  }
}

package dev.braintrust.reactive.instrumentation.anthropic.internal;

import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.RawMessageStreamEvent;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A blocking stream that hands the caller the SDK's events unchanged and in order, showing each to
 * the {@link StreamRecorder} first. The span ends when the stream runs out or fails (the failure is
 * recorded and rethrown as is), or when the stream or this response is closed.
 */
final class TracedStreamResponse implements StreamResponse<RawMessageStreamEvent> {
  private final StreamResponse<RawMessageStreamEvent> delegate;
  private final StreamRecorder recorder;

  TracedStreamResponse(StreamResponse<RawMessageStreamEvent> delegate, StreamRecorder recorder) {
    this.delegate = delegate;
    this.recorder = recorder;
  }

  @Override
  public Stream<RawMessageStreamEvent> stream() {
    Stream<RawMessageStreamEvent> source = delegate.stream();
    return StreamSupport.stream(new Watching(source.spliterator(), recorder), false)
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

  @Override
  public String toString() {
    return delegate.toString();
  }

  /** Passes events through, telling the recorder about them and about how the source ended. */
  private static final class Watching implements Spliterator<RawMessageStreamEvent> {
    private final Spliterator<RawMessageStreamEvent> source;
    private final StreamRecorder recorder;
    // What the caller's own action threw: that is the caller's failure, not the call's.
    private @Nullable Throwable actionFailure;

    Watching(Spliterator<RawMessageStreamEvent> source, StreamRecorder recorder) {
      this.source = source;
      this.recorder = recorder;
    }

    @Override
    public boolean tryAdvance(Consumer<? super RawMessageStreamEvent> action) {
      boolean more;
      try {
        more =
            source.tryAdvance(
                event -> {
                  recorder.onEvent(event);
                  try {
                    action.accept(event);
                  } catch (RuntimeException | Error e) {
                    actionFailure = e;
                    throw e;
                  }
                });
      } catch (RuntimeException | Error e) {
        if (e != actionFailure) {
          recorder.fail(e);
        }
        actionFailure = null;
        throw e;
      }
      if (!more) {
        recorder.complete();
      }
      return more;
    }

    @Override
    public @Nullable Spliterator<RawMessageStreamEvent> trySplit() {
      // Events are a sequence: splitting would reorder them.
      return null;
    }

    @Override
    public long estimateSize() {
      return source.estimateSize();
    }

    @Override
    public int characteristics() {
      return source.characteristics() & (ORDERED | NONNULL | IMMUTABLE);
    }
  }
}

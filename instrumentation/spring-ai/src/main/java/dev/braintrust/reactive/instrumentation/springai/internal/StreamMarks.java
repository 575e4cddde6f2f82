package dev.braintrust.reactive.instrumentation.springai.internal;

import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.internal.CallSpan;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import reactor.core.publisher.Flux;

/**
 * First-token time for streamed chat calls, which an observation can't give: Spring AI observes a
 * stream from subscription to completion but never shows the handler a chunk. A stream subscribed
 * through {@link #timed} leaves a mark on the subscribing thread while the model's {@code
 * deferContextual} starts its observation there; the span started for it claims the mark, and the
 * mark then sees every chunk the caller receives: the first one carrying text or tool calls sets
 * {@code time_to_first_token}, and their text is the partial reply if the caller cancels.
 */
public final class StreamMarks {
  private static final ThreadLocal<@Nullable Mark> PENDING = new ThreadLocal<>();

  private StreamMarks() {}

  /**
   * The stream {@code call} returns, each subscription timed: the subscription's first model
   * observation gets its {@code time_to_first_token}. Signals pass through unchanged.
   */
  public static Flux<ChatResponse> timed(Supplier<Flux<ChatResponse>> call) {
    return timed(call, Function.identity());
  }

  /**
   * As {@link #timed(Supplier)}, for a stream of something that holds each chunk ({@code
   * ChatClientResponse}s of a ChatClient advisor chain); {@code chunk} may return null.
   */
  public static <T> Flux<T> timed(
      Supplier<Flux<T>> call, Function<T, @Nullable ChatResponse> chunk) {
    return Flux.defer(
        () -> {
          Mark mark = new Mark();
          Flux<T> inner;
          PENDING.set(mark);
          try {
            inner = call.get();
          } finally {
            PENDING.remove();
          }
          Flux<T> marked =
              Flux.from(
                  subscriber -> {
                    PENDING.set(mark);
                    try {
                      inner.subscribe(subscriber);
                    } finally {
                      PENDING.remove();
                    }
                  });
          return marked.doOnNext(t -> mark.seen(chunk.apply(t)));
        });
  }

  /** The mark left on this thread for {@code span}, if any and not yet claimed. */
  static @Nullable Mark claim(CallSpan span) {
    Mark mark = PENDING.get();
    if (mark == null || mark.span != null) {
      return null;
    }
    mark.span = span;
    return mark;
  }

  /** One timed subscription. */
  static final class Mark {
    private volatile @Nullable CallSpan span;
    private volatile boolean first = true;
    private final StringBuilder text = new StringBuilder();
    private volatile @Nullable Object usage;

    /** A chunk on its way to the caller; nothing here may fail the caller's stream. */
    void seen(@Nullable ChatResponse chunk) {
      if (chunk == null) {
        return;
      }
      try {
        onNext(chunk);
      } catch (RuntimeException | LinkageError e) {
        // the span loses its first-token time, the caller nothing
      }
    }

    private void onNext(ChatResponse chunk) {
      CallSpan s = span;
      if (s == null) {
        return;
      }
      if (chunk.getMetadata() != null && chunk.getMetadata().getUsage() != null) {
        Object raw = chunk.getMetadata().getUsage().getNativeUsage();
        if (Usage.isNative(raw)) {
          usage = raw;
        }
      }
      boolean content = false;
      for (Generation g : chunk.getResults()) {
        AssistantMessage m = g.getOutput();
        if (m == null) {
          continue;
        }
        String t = m.getText();
        if (t != null && !t.isEmpty()) {
          content = true;
          synchronized (text) {
            text.append(t);
          }
        }
        content |= m.hasToolCalls();
      }
      if (content && first) {
        first = false;
        s.log(Log.builder().metric("time_to_first_token", s.elapsedSeconds()));
      }
    }

    /** The provider's usage object the last chunk that had one carried. */
    @Nullable Object usage() {
      return usage;
    }

    /** The stream goes on as a new model turn's: time and collect that one's chunks. */
    void moveTo(CallSpan next) {
      synchronized (text) {
        text.setLength(0);
      }
      usage = null;
      first = true;
      span = next;
    }

    String text() {
      synchronized (text) {
        return text.toString();
      }
    }
  }
}

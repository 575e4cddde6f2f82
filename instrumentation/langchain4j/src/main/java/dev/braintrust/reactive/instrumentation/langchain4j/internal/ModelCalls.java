package dev.braintrust.reactive.instrumentation.langchain4j.internal;

import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.Tracing;
import dev.langchain4j.data.message.ChatMessage;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a model call's span needs to know about the call around it, kept per thread.
 *
 * <p>An AI Service announces each model request on the thread that then calls the model; in a
 * streaming tool loop that thread is the HTTP client's, where no span is current, so the span of
 * the next model call would start a new trace. The announcement leaves the agent run's span here as
 * a hint, and the model's span takes it as its parent when the messages are the ones announced. A
 * hint nobody takes (a model that isn't traced) is replaced by the next one on the thread and never
 * matches another request's messages.
 */
final class ModelCalls {
  // Set while a traced model's call runs on the caller's thread, where LangChain4j calls
  // listeners' onRequest, so our own listener, if registered too, doesn't open a second span.
  private static final ThreadLocal<Boolean> INSIDE = new ThreadLocal<>();
  private static final ThreadLocal<@Nullable Hint> HINT = new ThreadLocal<>();

  // What to do when a model call under a span (an agent run's) is cancelled by the caller: the run
  // ends too, since LangChain4j reports no end for it then. Keys are compared by identity.
  private static final Map<Span, Runnable> ON_CANCEL =
      Collections.synchronizedMap(new IdentityHashMap<>());

  private ModelCalls() {}

  /** Runs {@code action} when a model call whose parent is {@code span} is cancelled. */
  static void onCancel(Span span, Runnable action) {
    ON_CANCEL.put(span, action);
  }

  /** Forgets {@code span}'s cancel action (its run ended). */
  static void forget(Span span) {
    ON_CANCEL.remove(span);
  }

  /** A model call under {@code parent} was cancelled by its caller. */
  static void cancelled(@Nullable Span parent) {
    Runnable action = parent == null ? null : ON_CANCEL.remove(parent);
    if (action != null) {
      action.run();
    }
  }

  private record Hint(Span parent, List<ChatMessage> messages) {}

  static boolean insideTracedCall() {
    return INSIDE.get() != null;
  }

  /** Marks this thread inside a traced call; returns whether it already was (pass to exit). */
  static boolean enter() {
    boolean outer = INSIDE.get() != null;
    INSIDE.set(Boolean.TRUE);
    return outer;
  }

  static void exit(boolean outer) {
    if (!outer) {
      INSIDE.remove();
    }
  }

  /** The next model call on this thread with these messages is a child of {@code parent}. */
  static void announce(Span parent, List<ChatMessage> messages) {
    HINT.set(new Hint(parent, messages));
  }

  /**
   * The parent for a model call sending {@code messages}: the announced one if it was announced for
   * these messages (taking the hint), else the span current on this thread.
   */
  static @Nullable Span parentFor(List<ChatMessage> messages) {
    Hint h = HINT.get();
    if (h != null && same(h.messages(), messages)) {
      HINT.remove();
      return h.parent();
    }
    return Tracing.currentSpan();
  }

  // The model may copy the list (it merges its default parameters into a new request) but keeps
  // the message objects: compare them by identity, which is exact and cheap.
  private static boolean same(List<ChatMessage> a, List<ChatMessage> b) {
    if (a == b) {
      return true;
    }
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }
}

package dev.braintrust.reactive.instrumentation.bedrock.internal;

import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Joins the two halves of a watched call: {@link AsyncClientProxy} holds the caller's future and
 * hears of a cancel; {@link BedrockInterceptor} opens the {@link Call} in {@code beforeExecution}.
 * The proxy puts the link on the request as an execution attribute, so the interceptor finds it
 * whichever thread the SDK (or a decorator between the proxy and the SDK) runs it on, and the two
 * may come in either order: a cancel heard before the call opened ends the call as it attaches.
 */
final class CancelLink {
  private static final Object CANCELLED = new Object();

  // null: neither yet; a Call: attached, not cancelled; CANCELLED: cancelled, nothing attached.
  private final AtomicReference<@Nullable Object> state = new AtomicReference<>();

  /**
   * The interceptor opened {@code call} for the linked request. Only the first call attaches (a
   * decorator executing the same request twice gets one cancel link, for its first execution).
   */
  void attach(Call call) {
    if (!state.compareAndSet(null, call) && state.get() == CANCELLED) {
      call.callerCancelled();
    }
  }

  /** The caller cancelled the linked call's future. */
  void cancel() {
    Object before = state.getAndUpdate(s -> s == null ? CANCELLED : s);
    if (before instanceof Call call) {
      call.callerCancelled();
    }
  }
}

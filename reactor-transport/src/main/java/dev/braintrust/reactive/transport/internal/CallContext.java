package dev.braintrust.reactive.transport.internal;

import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Per-call settings carried in the subscriber's Reactor context, read by {@link HttpCore} for each
 * request it sends.
 */
public final class CallContext {
  /** The key under which a call's impersonated user is stored (a private object: no clashes). */
  private static final Object IMPERSONATE_USER = new Object();

  private CallContext() {}

  /** {@code context} with {@code user} (already checked) as the call's impersonated user. */
  public static Context impersonating(Context context, String user) {
    return context.put(IMPERSONATE_USER, user);
  }

  /** The call's impersonated user, or null. */
  public static @Nullable String impersonatedUser(ContextView context) {
    return context.getOrDefault(IMPERSONATE_USER, null);
  }
}

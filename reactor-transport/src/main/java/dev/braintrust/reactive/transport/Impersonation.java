package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.transport.internal.CallContext;
import dev.braintrust.reactive.transport.internal.ClientChecks;
import java.util.function.Function;
import reactor.util.context.Context;

/**
 * Impersonates a user for one call rather than for the whole client: every request the call sends
 * carries {@code x-bt-impersonate-user}, overriding {@link
 * BraintrustClientBuilder#impersonateUser}.
 *
 * <pre>{@code
 * client.get(Resource.PROJECT, id).contextWrite(Impersonation.as("alice@example.com"));
 * }</pre>
 *
 * <p>Applies to JSON calls, inserts and streams alike. Lookups the client caches for everyone (a
 * destination's project and experiment ids, a function's id by slug) are made as the client itself,
 * so their outcome doesn't depend on which user happened to ask first.
 */
public final class Impersonation {
  private Impersonation() {}

  /**
   * A context change for {@code contextWrite} that impersonates this user (id or email); trimmed,
   * control characters refused.
   *
   * @throws IllegalArgumentException when the value is blank or holds control characters
   */
  public static Function<Context, Context> as(String userIdOrEmail) {
    String user = ClientChecks.headerValue("Impersonation.as", userIdOrEmail);
    return context -> CallContext.impersonating(context, user);
  }
}

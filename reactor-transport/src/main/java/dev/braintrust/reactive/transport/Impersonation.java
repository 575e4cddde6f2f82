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
 * <p>Applies to every request the call makes: JSON calls, inserts and streams, each page of a paged
 * call ({@code list}, {@code rows(..).fetch()}, {@code btql}), and the lookups behind a call (a
 * destination's ids, a function's id by slug, {@code loadPrompt}). Lookups the client caches are
 * cached per identity: one made as Ann is reused only for Ann's later calls.
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

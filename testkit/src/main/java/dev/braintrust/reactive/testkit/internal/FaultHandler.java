package dev.braintrust.reactive.testkit.internal;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Applies scripted faults before a request reaches the router: waits, drops the connection, or
 * answers with the scripted status instead of serving.
 */
public final class FaultHandler {
  /**
   * What to do to one request, taken from a public {@code Fault}.
   *
   * @param status status to answer with instead of serving, 0 to serve normally
   * @param headers extra response headers for the status answer
   * @param body body for the status answer, null for a generated JSON error
   * @param delay wait before answering
   * @param disconnect close the connection without answering
   */
  public record Plan(
      int status,
      Map<String, String> headers,
      @Nullable String body,
      Duration delay,
      boolean disconnect) {
    /** Copies the headers. */
    public Plan {
      headers = Map.copyOf(headers);
    }
  }

  private final Function<String, @Nullable Plan> source;

  /** Faults come from {@code source}, called once per request with its path. */
  public FaultHandler(Function<String, @Nullable Plan> source) {
    this.source = source;
  }

  /** The fault for a request to {@code path}, or null to serve it normally. */
  public @Nullable Plan next(String path) {
    return source.apply(path);
  }

  /** Completes after the plan's delay (at once without a plan). */
  public static Mono<Void> delay(@Nullable Plan plan) {
    return plan == null || plan.delay().isZero() ? Mono.empty() : Mono.delay(plan.delay()).then();
  }

  /** The scripted answer, or null when the plan lets the request be served. */
  public static @Nullable Reply reply(@Nullable Plan plan) {
    if (plan == null || plan.status() <= 0) {
      return null;
    }
    Reply r =
        plan.body() != null
            ? Reply.raw(plan.status(), plan.body())
            : Reply.error(plan.status(), "injected fault: status " + plan.status());
    return r.withHeaders(plan.headers());
  }
}

package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustException;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Function ids by project name and slug. The API invokes functions by id ({@code POST
 * /v1/function/{id}/invoke}), so a slug is looked up first with {@code GET
 * /v1/function?slug=..&project_name=..}, as the official Java SDK does. Found ids are cached for
 * the client's life, keyed by the identity the lookup ran as (a call's impersonated user, from its
 * {@link CallContext}), so one user's lookup never answers another's; failures are not cached, so a
 * function created later is found.
 */
public final class FunctionIds {
  private record Key(String projectName, String slug, @Nullable String user) {}

  private final HttpCore http;
  private final Map<Key, Mono<String>> ids = new ConcurrentHashMap<>();

  /** Looks ids up through {@code http}. */
  public FunctionIds(HttpCore http) {
    this.http = http;
  }

  /** The id of the function with this slug in the named project, looked up as the caller. */
  public Mono<String> id(String projectName, String slug) {
    Objects.requireNonNull(projectName, "projectName");
    Objects.requireNonNull(slug, "slug");
    return Mono.deferContextual(
        ctx ->
            ids.computeIfAbsent(
                new Key(projectName, slug, CallContext.impersonatedUser(ctx)),
                k ->
                    lookup(k)
                        .cache(
                            v -> Duration.ofMillis(Long.MAX_VALUE),
                            e -> Duration.ZERO,
                            () -> Duration.ZERO)));
  }

  private Mono<String> lookup(Key k) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("slug", k.slug());
    query.put("project_name", k.projectName());
    return http.jsonReply(HttpMethod.GET, UriParts.withQuery("/v1/function", query), null)
        .map(reply -> pick(reply, k));
  }

  private static String pick(JsonReply reply, Key k) {
    String found = null;
    for (JsonNode f : reply.objects("objects")) {
      // A server that ignored a filter would list other functions; only an exact slug counts.
      if (!k.slug().equals(f.path("slug").asText(null)) || !f.path("id").isTextual()) {
        continue;
      }
      if (found != null && !found.equals(f.path("id").asText())) {
        throw new BraintrustException(
            "more than one function has slug '"
                + k.slug()
                + "' for project '"
                + k.projectName()
                + "'; invoke it by id instead");
      }
      found = f.path("id").asText();
    }
    if (found == null) {
      throw new BraintrustException(
          "no function with slug '" + k.slug() + "' in project '" + k.projectName() + "'");
    }
    return found;
  }
}

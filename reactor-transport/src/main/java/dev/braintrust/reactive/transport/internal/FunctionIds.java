package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustException;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Function ids by project name and slug. The API invokes functions by id only ({@code POST
 * /v1/function} creates one), so a slug is looked up with {@code GET /v1/project} and {@code GET
 * /v1/function} first. Found ids are cached for the client's life; failures are not, so a function
 * created later is found. Being shared, a lookup is made as the client, without a call's {@link
 * CallContext} settings.
 */
public final class FunctionIds {
  private record Key(String projectName, String slug) {}

  private final HttpCore http;
  private final Map<Key, Mono<String>> ids = new ConcurrentHashMap<>();

  /** Looks ids up through {@code http}. */
  public FunctionIds(HttpCore http) {
    this.http = http;
  }

  /** The id of the function with this slug in the named project. */
  public Mono<String> id(String projectName, String slug) {
    Key key =
        new Key(
            Objects.requireNonNull(projectName, "projectName"),
            Objects.requireNonNull(slug, "slug"));
    return ids.computeIfAbsent(
        key,
        k ->
            lookup(k)
                .contextWrite(CallContext::shared)
                .cache(
                    v -> Duration.ofMillis(Long.MAX_VALUE),
                    e -> Duration.ZERO,
                    () -> Duration.ZERO));
  }

  /**
   * The spec lists functions by {@code project_id} and {@code slug} only, so the project is found
   * by name first.
   */
  private Mono<String> lookup(Key k) {
    return http.json(
            HttpMethod.GET,
            UriParts.withQuery("/v1/project", Map.of("project_name", k.projectName())),
            null)
        .map(page -> projectId(page, k))
        .flatMap(
            projectId -> {
              Map<String, String> query = new LinkedHashMap<>();
              query.put("project_id", projectId);
              query.put("slug", k.slug());
              return http.json(HttpMethod.GET, UriParts.withQuery("/v1/function", query), null);
            })
        .map(page -> pick(page, k));
  }

  private static String projectId(JsonNode page, Key k) {
    for (JsonNode p : page.path("objects")) {
      // Only an exact name counts, should a server ignore the filter.
      if (k.projectName().equals(p.path("name").asText(null)) && p.path("id").isTextual()) {
        return p.get("id").asText();
      }
    }
    throw new BraintrustException("no project named '" + k.projectName() + "'");
  }

  private static String pick(JsonNode page, Key k) {
    String found = null;
    for (JsonNode f : page.path("objects")) {
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

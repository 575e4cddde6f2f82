package dev.braintrust.reactive.transport.internal;

import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.transport.ListQuery;
import dev.braintrust.reactive.transport.ResourceApi;
import dev.braintrust.reactive.transport.model.Project;
import dev.braintrust.reactive.transport.model.Prompt;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** {@code loadPrompt}: a prompt by project name and slug, in one request as the official SDKs. */
public final class PromptLookup {
  private PromptLookup() {}

  /**
   * The prompt with this slug in the named project, at {@code version} or the latest; fails with a
   * {@link BraintrustException} naming what is missing, the project or the prompt.
   */
  public static Mono<Prompt> load(
      ResourceApi<Prompt> prompts,
      ResourceApi<Project> projects,
      String projectName,
      String slug,
      @Nullable String version) {
    Objects.requireNonNull(projectName, "projectName");
    Objects.requireNonNull(slug, "slug");
    // As the official SDKs: one GET /v1/prompt?slug=..&project_name=..[&version=..].
    ListQuery q = ListQuery.all().slug(slug).projectName(projectName);
    return prompts
        .list(version == null ? q : q.version(version))
        // Only an exact slug counts, should a server ignore the filter.
        .filter(p -> slug.equals(p.slug()))
        .next()
        .switchIfEmpty(Mono.defer(() -> missing(projects, projectName, slug, version)));
  }

  /**
   * Says which is missing, the project or the prompt: a second request, made only when the first
   * found nothing.
   */
  private static Mono<Prompt> missing(
      ResourceApi<Project> projects, String projectName, String slug, @Nullable String version) {
    return projects
        .list(ListQuery.all().name(projectName))
        .filter(p -> projectName.equals(p.name()))
        .hasElements()
        .flatMap(
            found ->
                Mono.error(
                    new BraintrustException(
                        found
                            ? "no prompt '"
                                + slug
                                + "' in project '"
                                + projectName
                                + "'"
                                + (version == null ? "" : " at version " + version)
                            : "no project named '" + projectName + "'")));
  }
}

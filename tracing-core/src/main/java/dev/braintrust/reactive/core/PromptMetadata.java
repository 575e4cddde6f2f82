package dev.braintrust.reactive.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which Braintrust prompt rendered an LLM request: its id, project, version and the variables it
 * was rendered with, recorded as {@code metadata.prompt} on the {@code llm} span, as the cross-SDK
 * instrumentation guide asks, so Braintrust can link the span back to the saved prompt.
 *
 * <p>The OpenAI, Anthropic and LangChain4j wrappers add it to every {@code llm} span they start on
 * the thread while it is {@linkplain #attach() attached}:
 *
 * <pre>{@code
 * PromptMetadata prompt = PromptMetadata.of(promptId, projectId, version, Map.of("question", q));
 * try (Scope ignored = prompt.attach()) {
 *   openAi.chat().completions().create(params); // its span carries metadata.prompt
 * }
 * }</pre>
 *
 * <p>The prompt is span metadata only: it is never sent to the provider or put into the input.
 * Instances are immutable.
 */
public final class PromptMetadata {
  private static final ThreadLocal<@Nullable PromptMetadata> CURRENT = new ThreadLocal<>();

  private final String id;
  private final String projectId;
  private final String version;
  private final Map<String, @Nullable Object> variables;
  private final @Nullable String promptSessionId;

  private PromptMetadata(
      String id,
      String projectId,
      String version,
      Map<String, @Nullable Object> variables,
      @Nullable String promptSessionId) {
    this.id = id;
    this.projectId = projectId;
    this.version = version;
    this.variables = variables;
    this.promptSessionId = promptSessionId;
  }

  /**
   * The prompt {@code id} of project {@code projectId} at {@code version}, rendered with {@code
   * variables}.
   *
   * @param id the prompt's id
   * @param projectId the id of the project holding the prompt
   * @param version the prompt version (transaction id) that was rendered
   * @param variables the variables it was rendered with, JSON-serializable
   * @return the prompt metadata
   * @throws IllegalArgumentException when an id or the version is blank
   */
  public static PromptMetadata of(
      String id, String projectId, String version, Map<String, ?> variables) {
    Objects.requireNonNull(variables, "variables");
    return new PromptMetadata(
        required(id, "id"),
        required(projectId, "projectId"),
        required(version, "version"),
        Collections.unmodifiableMap(new LinkedHashMap<>(variables)),
        null);
  }

  /**
   * The same from the map a rendered prompt carries: {@code id}, {@code project_id}, {@code
   * version}, {@code variables} and, for a playground session, {@code prompt_session_id}.
   *
   * @param prompt the map
   * @return the prompt metadata
   * @throws IllegalArgumentException when a required key is missing or blank
   */
  public static PromptMetadata fromMap(Map<String, ?> prompt) {
    Objects.requireNonNull(prompt, "prompt");
    Object variables = prompt.get("variables");
    if (variables != null && !(variables instanceof Map)) {
      throw new IllegalArgumentException(
          "prompt 'variables' must be a map, got " + variables.getClass().getName());
    }
    Map<String, Object> vars = new LinkedHashMap<>();
    if (variables != null) {
      ((Map<?, ?>) variables).forEach((k, v) -> vars.put(String.valueOf(k), v));
    }
    PromptMetadata p =
        of(
            text(prompt.get("id"), "id"),
            text(prompt.get("project_id"), "project_id"),
            text(prompt.get("version"), "version"),
            vars);
    Object session = prompt.get("prompt_session_id");
    return session == null ? p : p.withPromptSessionId(text(session, "prompt_session_id"));
  }

  /**
   * The same, rendered in playground or prompt session {@code promptSessionId}.
   *
   * @param promptSessionId the session's id
   * @return a copy with the session id
   */
  public PromptMetadata withPromptSessionId(String promptSessionId) {
    return new PromptMetadata(
        id, projectId, version, variables, required(promptSessionId, "promptSessionId"));
  }

  /**
   * Makes this the prompt of the LLM calls the instrumentation wrappers trace on this thread until
   * the scope closes; closing restores the prompt attached before, if any.
   *
   * @return the scope, to close on this thread
   */
  public Scope attach() {
    PromptMetadata previous = CURRENT.get();
    CURRENT.set(this);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /**
   * The prompt attached on this thread, for instrumentation.
   *
   * @return the attached prompt, or null
   */
  public static @Nullable PromptMetadata current() {
    return CURRENT.get();
  }

  /**
   * The value of {@code metadata.prompt}: {@code id}, {@code project_id}, {@code version}, {@code
   * variables} and, when set, {@code prompt_session_id}.
   *
   * @return the map, unmodifiable
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("project_id", projectId);
    m.put("version", version);
    m.put("variables", variables);
    if (promptSessionId != null) {
      m.put("prompt_session_id", promptSessionId);
    }
    return Collections.unmodifiableMap(m);
  }

  private static String required(@Nullable String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("prompt " + name + " must not be blank");
    }
    return value;
  }

  private static String text(@Nullable Object value, String key) {
    if (value == null) {
      throw new IllegalArgumentException("prompt '" + key + "' is missing");
    }
    return required(value.toString(), key);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof PromptMetadata p
        && id.equals(p.id)
        && projectId.equals(p.projectId)
        && version.equals(p.version)
        && variables.equals(p.variables)
        && Objects.equals(promptSessionId, p.promptSessionId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, projectId, version, variables, promptSessionId);
  }

  @Override
  public String toString() {
    return "PromptMetadata" + toMap();
  }
}

package dev.braintrust.reactive.transport.model;

import dev.braintrust.reactive.core.PromptMetadata;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A prompt rendered with its variables: the chat messages, the model and parameters, and which
 * prompt (id, version, variables) produced them, for the {@code llm} span that uses it.
 */
public record RenderedPrompt(
    List<Map<String, Object>> messages,
    @Nullable String model,
    Map<String, Object> params,
    Map<String, Object> origin) {

  /** Copies the collections. */
  public RenderedPrompt {
    messages = List.copyOf(messages);
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    origin = Collections.unmodifiableMap(new LinkedHashMap<>(origin));
  }

  /**
   * An OpenAI-style chat request: {@code model}, {@code messages} and the prompt's parameters, with
   * {@code overrides} (e.g. {@code temperature}) on top.
   */
  public Map<String, Object> chatRequest(Map<String, ?> overrides) {
    Map<String, Object> r = new LinkedHashMap<>(params);
    if (model != null) {
      r.put("model", model);
    }
    r.put("messages", messages);
    r.putAll(Objects.requireNonNull(overrides, "overrides"));
    return r;
  }

  /** {@link #chatRequest(Map)} with no overrides. */
  public Map<String, Object> chatRequest() {
    return chatRequest(Map.of());
  }

  /**
   * Span metadata naming the prompt, as the official SDKs record it: {@code {"prompt": {"id",
   * "project_id", "version", "variables"}}}.
   */
  public Map<String, Object> spanMetadata() {
    return Map.of("prompt", origin);
  }

  /**
   * The prompt's provenance, to {@linkplain PromptMetadata#attach() attach} around a call made
   * through the OpenAI, Anthropic or LangChain4j wrappers with this prompt's messages, so their
   * span records {@code metadata.prompt} as the AI proxy's does.
   *
   * @return the prompt metadata
   * @throws IllegalArgumentException when the prompt lacks its id, project id or version
   */
  public PromptMetadata promptMetadata() {
    return PromptMetadata.fromMap(origin);
  }
}

package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.braintrust.reactive.transport.internal.Templates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A prompt, as {@code /v1/prompt} returns it. {@code version} is the transaction id ({@code
 * _xact_id}) of this revision when the server sends one.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Prompt(
    String id,
    String projectId,
    String name,
    String slug,
    @Nullable String description,
    @Nullable String created,
    @Nullable PromptData promptData,
    @Nullable List<String> tags,
    @Nullable String functionType,
    @JsonProperty("_xact_id") @Nullable String version) {

  /**
   * Renders the prompt's messages with {@code variables} (Mustache: {@code {{name}}}, sections,
   * nested fields; values unescaped, objects and lists as JSON). A completion prompt becomes one
   * user message.
   *
   * @throws IllegalStateException when the prompt has no messages or template to render
   * @throws IllegalArgumentException when a template does not parse
   */
  public RenderedPrompt render(Map<String, ?> variables) {
    Objects.requireNonNull(variables, "variables");
    Map<String, Object> block = promptData == null ? null : promptData.prompt();
    if (block == null) {
      throw new IllegalStateException("prompt '" + slug + "' has no prompt block to render");
    }
    List<Map<String, Object>> messages;
    if (block.get("messages") instanceof List<?> list) {
      List<Map<String, Object>> typed = new ArrayList<>(list.size());
      for (Object m : list) {
        if (!(m instanceof Map<?, ?> map)) {
          throw new IllegalStateException("prompt '" + slug + "' has a message that is no object");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        typed.add(copy);
      }
      messages = Templates.renderMessages(typed, variables);
    } else if (block.get("content") instanceof String content) {
      messages = List.of(Map.of("role", "user", "content", Templates.render(content, variables)));
    } else {
      throw new IllegalStateException("prompt '" + slug + "' has neither messages nor content");
    }
    Map<String, Object> options = promptData.options() == null ? Map.of() : promptData.options();
    Map<String, Object> params = new LinkedHashMap<>();
    if (options.get("params") instanceof Map<?, ?> p) {
      p.forEach((k, v) -> params.put(String.valueOf(k), v));
    }
    Map<String, Object> origin = new LinkedHashMap<>();
    origin.put("id", id);
    origin.put("project_id", projectId);
    if (version != null) {
      origin.put("version", version);
    }
    origin.put("variables", new LinkedHashMap<>(variables));
    Object model = options.get("model");
    return new RenderedPrompt(
        messages, model == null ? null : String.valueOf(model), params, origin);
  }
}

package dev.braintrust.reactive.eval;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parameter of a {@link RemoteEval} that the Braintrust Playground shows as a control, as the
 * spec's {@code remote-evals/params} describes: its type ({@code data}, {@code model} or {@code
 * prompt}), default value, description and the JSON Schema of its value.
 *
 * @param type {@code data}, {@code model} or {@code prompt}
 * @param defaultValue the value used when a run does not set it, or null
 * @param description what it means, for the Playground, or null
 * @param schema a JSON Schema fragment of its value ({@code {"type": "number"}}), or null
 */
public record Parameter(
    String type,
    @Nullable Object defaultValue,
    @Nullable String description,
    @Nullable Map<String, Object> schema) {

  /** Checks the type. */
  public Parameter {
    if (!List.of("data", "model", "prompt").contains(type)) {
      throw new IllegalArgumentException(
          "a parameter's type is data, model or prompt, got '" + type + "'");
    }
  }

  /** A plain value, its schema taken from the default's type. */
  public static Parameter data(@Nullable Object defaultValue, @Nullable String description) {
    return new Parameter("data", defaultValue, description, schemaOf(defaultValue));
  }

  /** A model name, shown as a model picker. */
  public static Parameter model(@Nullable String defaultValue, @Nullable String description) {
    return new Parameter("model", defaultValue, description, null);
  }

  private static @Nullable Map<String, Object> schemaOf(@Nullable Object v) {
    String t =
        v instanceof String
            ? "string"
            : v instanceof Boolean
                ? "boolean"
                : v instanceof Number
                    ? "number"
                    : v instanceof Map ? "object" : v instanceof List ? "array" : null;
    return t == null ? null : Map.of("type", t);
  }
}

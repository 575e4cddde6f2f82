package dev.braintrust.reactive.instrumentation.bedrock.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * Converse's {@code toolConfig} in the OpenAI shape the guide requires for {@code metadata.tools}
 * and {@code metadata.tool_choice}: a {@code toolSpec} ({@code name}, {@code description}, {@code
 * inputSchema.json}, {@code strict}) becomes {@code {type: function, function: {name, description,
 * parameters, strict}}}; other entries (system tools) keep their native JSON and cache points are
 * left out; {@code auto}/{@code any}/{@code tool} choices become {@code "auto"}/{@code
 * "required"}/{@code {type: function, function: {name}}}.
 */
final class BedrockTools {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private BedrockTools() {}

  /** The tools in the OpenAI shape, or null when none is left (only cache points). */
  static @Nullable JsonNode tools(JsonNode toolConfig) {
    ArrayNode converted = NODES.arrayNode();
    for (JsonNode t : toolConfig.path("tools")) {
      if (t.has("toolSpec")) {
        converted.add(function(t.get("toolSpec")));
      } else if (!t.has("cachePoint")) {
        converted.add(t);
      }
    }
    return converted.isEmpty() ? null : converted;
  }

  private static JsonNode function(JsonNode spec) {
    ObjectNode function = NODES.objectNode();
    function.set("name", spec.path("name"));
    if (spec.hasNonNull("description")) {
      function.set("description", spec.get("description"));
    }
    JsonNode schema = spec.path("inputSchema").path("json");
    if (!schema.isMissingNode()) {
      function.set("parameters", schema);
    }
    if (spec.path("strict").isBoolean()) {
      function.set("strict", spec.get("strict"));
    }
    ObjectNode out = NODES.objectNode().put("type", "function");
    out.set("function", function);
    return out;
  }

  /** The tool choice in the OpenAI shape, or null for one it has no equivalent of. */
  static @Nullable JsonNode choice(JsonNode c) {
    if (c.has("auto")) {
      return NODES.textNode("auto");
    }
    if (c.has("any")) {
      return NODES.textNode("required");
    }
    if (c.has("tool")) {
      ObjectNode named = NODES.objectNode().put("type", "function");
      named.putObject("function").set("name", c.path("tool").path("name"));
      return named;
    }
    return null;
  }
}

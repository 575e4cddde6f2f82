package dev.braintrust.reactive.instrumentation.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic's tool definitions and {@code tool_choice} in the OpenAI shape the guide requires for
 * {@code metadata.tools} / {@code metadata.tool_choice}: a custom tool ({@code name}, {@code
 * description}, {@code input_schema}) becomes {@code {type: function, function: {name, description,
 * parameters}}}; server tools (bash, web search, ...) keep their native JSON; {@code auto}/{@code
 * any}/{@code none}/{@code tool} choices become {@code "auto"}/{@code "required"}/{@code
 * "none"}/{@code {type: function, function: {name}}}, and {@code disable_parallel_tool_use} becomes
 * {@code parallel_tool_calls: false}.
 */
final class ToolShapes {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ToolShapes() {}

  static void record(Log.Builder log, @Nullable JsonNode tools, @Nullable JsonNode choice) {
    if (tools != null && tools.isArray() && !tools.isEmpty()) {
      ArrayNode converted = NODES.arrayNode();
      tools.forEach(t -> converted.add(tool(t)));
      log.metadata("tools", converted);
    }
    if (choice != null && choice.isObject()) {
      JsonNode normalized = choice(choice);
      if (normalized != null) {
        log.metadata("tool_choice", normalized);
      }
      JsonNode disable = choice.path("disable_parallel_tool_use");
      if (disable.isBoolean()) {
        log.metadata("parallel_tool_calls", !disable.asBoolean());
      }
    }
  }

  private static JsonNode tool(JsonNode t) {
    String type = t.path("type").asText("custom");
    if (!t.has("input_schema") || !(type.equals("custom") || type.isEmpty())) {
      // A server tool: its own type and settings say what it does; no made-up function schema.
      return t;
    }
    ObjectNode function = NODES.objectNode();
    function.set("name", t.path("name"));
    if (t.hasNonNull("description")) {
      function.set("description", t.get("description"));
    }
    function.set("parameters", t.get("input_schema"));
    if (t.path("strict").isBoolean()) {
      function.set("strict", t.get("strict"));
    }
    ObjectNode out = NODES.objectNode().put("type", "function");
    out.set("function", function);
    return out;
  }

  private static @Nullable JsonNode choice(JsonNode c) {
    switch (c.path("type").asText()) {
      case "auto":
        return NODES.textNode("auto");
      case "any":
        return NODES.textNode("required");
      case "none":
        return NODES.textNode("none");
      case "tool":
        ObjectNode named = NODES.objectNode().put("type", "function");
        named.putObject("function").set("name", c.path("name"));
        return named;
      default:
        return null;
    }
  }
}

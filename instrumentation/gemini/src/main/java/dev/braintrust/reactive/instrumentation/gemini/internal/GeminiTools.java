package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Gemini's tool declarations and tool config in the guide's OpenAI shape: each function declaration
 * becomes {@code {type: function, function: {name, description, parameters}}}; a built-in tool
 * ({@code googleSearch}, {@code codeExecution}, ...) keeps its own key and settings as {@code
 * {type: <key>, <key>: settings}}; {@code functionCallingConfig.mode} becomes {@code tool_choice}
 * ({@code AUTO} auto, {@code NONE} none, {@code ANY} required, or the named function when exactly
 * one is allowed).
 */
final class GeminiTools {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private GeminiTools() {}

  static void record(Log.Builder log, @Nullable JsonNode tools, @Nullable JsonNode toolConfig) {
    if (tools != null && tools.isArray() && !tools.isEmpty()) {
      ArrayNode out = NODES.arrayNode();
      for (JsonNode tool : tools) {
        convert(tool, out);
      }
      if (!out.isEmpty()) {
        log.metadata("tools", out);
      }
    }
    JsonNode choice = toolConfig == null ? null : choice(toolConfig.path("functionCallingConfig"));
    if (choice != null) {
      log.metadata("tool_choice", choice);
    }
  }

  private static void convert(JsonNode tool, ArrayNode out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = tool.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("functionDeclarations")) {
        for (JsonNode d : f.getValue()) {
          out.add(function(d));
        }
      } else if (!f.getValue().isNull()) {
        ObjectNode builtIn = NODES.objectNode().put("type", f.getKey());
        builtIn.set(f.getKey(), f.getValue());
        out.add(builtIn);
      }
    }
  }

  private static ObjectNode function(JsonNode d) {
    ObjectNode function = NODES.objectNode();
    function.set("name", d.path("name"));
    if (d.hasNonNull("description")) {
      function.set("description", d.get("description"));
    }
    // parametersJsonSchema is plain JSON Schema; parameters is Gemini's OpenAPI subset.
    JsonNode parameters =
        d.hasNonNull("parametersJsonSchema") ? d.get("parametersJsonSchema") : d.get("parameters");
    if (parameters != null && !parameters.isNull()) {
      function.set("parameters", parameters);
    }
    ObjectNode out = NODES.objectNode().put("type", "function");
    out.set("function", function);
    return out;
  }

  private static @Nullable JsonNode choice(JsonNode config) {
    JsonNode allowed = config.path("allowedFunctionNames");
    switch (config.path("mode").asText()) {
      case "AUTO":
      case "VALIDATED":
        return NODES.textNode("auto");
      case "NONE":
        return NODES.textNode("none");
      case "ANY":
        if (allowed.isArray() && allowed.size() == 1) {
          ObjectNode named = NODES.objectNode().put("type", "function");
          named.putObject("function").set("name", allowed.get(0));
          return named;
        }
        return NODES.textNode("required");
      default:
        return null;
    }
  }
}

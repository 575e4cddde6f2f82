package dev.braintrust.reactive.otel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The older GenAI forms: flattened {@code gen_ai.prompt.N.*} and {@code gen_ai.completion.N.*}
 * attributes (OpenLLMetry), whole {@code gen_ai.prompt} and {@code gen_ai.completion}, {@code
 * gen_ai.system}, {@code gen_ai.usage.prompt_tokens} and {@code completion_tokens}, and the
 * per-message events ({@code gen_ai.system.message}, {@code gen_ai.user.message}, {@code
 * gen_ai.assistant.message}, {@code gen_ai.tool.message}, {@code gen_ai.choice}) whether recorded
 * on the span or emitted as log records inside it. Attributes win over events.
 */
final class LegacyGenAiMapping {
  private static final String PROMPT = "gen_ai.prompt.";
  private static final String COMPLETION = "gen_ai.completion.";

  private LegacyGenAiMapping() {}

  static void apply(SpanRow row) {
    Object system = row.take("gen_ai.system");
    if (system != null) {
      row.metadata.put("provider", system);
      row.ai = true;
    }
    row.metricFrom("gen_ai.usage.prompt_tokens", "prompt_tokens");
    row.metricFrom("gen_ai.usage.completion_tokens", "completion_tokens");
    events(row);
    Map<Integer, Map<String, Object>> prompt = AttrValues.indexed(row.attrs, PROMPT);
    if (!prompt.isEmpty()) {
      row.takeIndexed(PROMPT);
      row.input(parts(prompt));
    }
    Map<Integer, Map<String, Object>> completion = AttrValues.indexed(row.attrs, COMPLETION);
    if (!completion.isEmpty()) {
      row.takeIndexed(COMPLETION);
      row.output(parts(completion));
    }
    Object whole = row.take("gen_ai.prompt");
    if (whole != null) {
      row.input(AttrValues.rowValue(whole));
    }
    whole = row.take("gen_ai.completion");
    if (whole != null) {
      row.output(AttrValues.rowValue(whole));
    }
  }

  private static List<Object> parts(Map<Integer, Map<String, Object>> indexed) {
    List<Object> out = new ArrayList<>();
    for (Map<String, Object> fields : indexed.values()) {
      Map<String, Object> part = new LinkedHashMap<>();
      fields.forEach((k, v) -> part.put(k, AttrValues.parseIfJson(v)));
      out.add(part);
    }
    return out;
  }

  private static void events(SpanRow row) {
    ArrayNode messages = AttrValues.NODES.arrayNode();
    ArrayNode choices = AttrValues.NODES.arrayNode();
    for (GenAiEvent e : row.events) {
      String n = e.name();
      if (n.equals("gen_ai.choice")) {
        choices.add(choice(e, choices.size()));
      } else if (n.endsWith(".message") && !n.equals(GenAiLatestMapping.DETAILS_EVENT)) {
        messages.add(message(e, n.substring("gen_ai.".length(), n.length() - ".message".length())));
      }
    }
    if (!messages.isEmpty()) {
      row.input(messages);
    }
    if (!choices.isEmpty()) {
      row.output(choices);
    }
  }

  /** The event's fields: its log body, else its attributes. */
  private static ObjectNode fields(GenAiEvent e) {
    JsonNode body = e.body() == null ? null : AttrValues.toJson(e.body());
    if (body != null && body.isObject()) {
      return (ObjectNode) body;
    }
    ObjectNode out = AttrValues.NODES.objectNode();
    e.attributes()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("gen_ai.") && !k.equals("event.name")) {
                out.set(k, AttrValues.toJson(v));
              }
            });
    if (body != null && !out.has("content")) {
      out.set("content", body);
    }
    return out;
  }

  private static ObjectNode message(GenAiEvent e, String roleFromName) {
    ObjectNode f = fields(e);
    ObjectNode msg = AttrValues.NODES.objectNode();
    msg.put("role", f.path("role").asText(roleFromName));
    msg.set("content", f.hasNonNull("content") ? f.get("content") : AttrValues.NODES.textNode(""));
    if (f.has("tool_calls")) {
      msg.set("tool_calls", f.get("tool_calls"));
    }
    if (f.hasNonNull("id") && roleFromName.equals("tool")) {
      msg.set("tool_call_id", f.get("id"));
    }
    return msg;
  }

  private static ObjectNode choice(GenAiEvent e, int position) {
    ObjectNode f = fields(e);
    ObjectNode choice = AttrValues.NODES.objectNode();
    choice.set("index", f.has("index") ? f.get("index") : AttrValues.NODES.numberNode(position));
    ObjectNode msg;
    if (f.get("message") instanceof ObjectNode) {
      msg = ((ObjectNode) f.get("message")).deepCopy();
    } else {
      msg = AttrValues.NODES.objectNode();
      if (f.has("content")) {
        msg.set("content", f.get("content"));
      }
      if (f.has("tool_calls")) {
        msg.set("tool_calls", f.get("tool_calls"));
      }
    }
    if (!msg.has("role")) {
      msg.put("role", "assistant");
    }
    choice.set("message", msg);
    if (f.hasNonNull("finish_reason")) {
      choice.set("finish_reason", f.get("finish_reason"));
    }
    return choice;
  }
}

package dev.braintrust.reactive.otel.internal;

import static dev.braintrust.reactive.otel.internal.AttrValues.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * OpenInference (Arize Phoenix, LlamaIndex, ...): {@code openinference.span.kind} becomes the span
 * type; {@code llm.input_messages.N.message.*} the input and {@code
 * llm.output_messages.N.message.*} the output, in the chat format, else {@code input.value} and
 * {@code output.value} (parsed when their mime type is {@code application/json}); {@code
 * llm.model_name}, {@code llm.provider}, {@code llm.invocation_parameters} and {@code llm.tools}
 * metadata; {@code llm.token_count.*} metrics. Retrieved documents are a retriever's output,
 * embedded texts an embedding's input.
 */
final class OpenInferenceMapping {
  static final String KIND = "openinference.span.kind";
  private static final String IN_MESSAGES = "llm.input_messages.";
  private static final String OUT_MESSAGES = "llm.output_messages.";

  private OpenInferenceMapping() {}

  static void apply(SpanRow row) {
    Object kind = row.take(KIND);
    if (kind != null) {
      String type = typeOf(String.valueOf(kind));
      if (type != null) {
        row.type(type);
      }
      row.ai = true;
    }
    values(row);
    messages(row);
    documents(row);
    model(row);
    tokens(row);
    Object tags = row.take("tag.tags");
    if (tags instanceof java.util.List) {
      ((java.util.List<?>) tags).forEach(t -> row.tags.add(String.valueOf(t)));
    }
    Object metadata = row.get("metadata");
    JsonNode md = metadata == null ? null : AttrValues.toJson(metadata);
    if (md != null && md.isObject()) {
      row.consumed.add("metadata");
      md.fields().forEachRemaining(f -> row.metadata.put(f.getKey(), f.getValue()));
    }
  }

  /** The span type of an OpenInference span kind, or null for an unknown kind. */
  static @Nullable String typeOf(String kind) {
    switch (kind.toUpperCase(Locale.ROOT)) {
      case "LLM":
      case "EMBEDDING":
        return "llm";
      case "TOOL":
        return "tool";
      case "CHAIN":
      case "AGENT":
        return "task";
      case "EVALUATOR":
        return "score";
      case "RETRIEVER":
      case "RERANKER":
      case "GUARDRAIL":
      case "PROMPT":
        return "function";
      default:
        return null;
    }
  }

  private static void values(SpanRow row) {
    Object in = row.take("input.value");
    Object inMime = row.take("input.mime_type");
    if (in != null) {
      row.input(value(in, inMime));
    }
    Object out = row.take("output.value");
    Object outMime = row.take("output.mime_type");
    if (out != null) {
      row.output(value(out, outMime));
    }
  }

  private static Object value(Object value, @Nullable Object mime) {
    boolean json = mime != null && String.valueOf(mime).toLowerCase(Locale.ROOT).contains("json");
    if (json && value instanceof String) {
      try {
        return AttrValues.MAPPER.readTree((String) value);
      } catch (java.io.IOException notJson) {
        return value;
      }
    }
    return value;
  }

  private static void messages(SpanRow row) {
    Map<Integer, Map<String, Object>> in = AttrValues.indexed(row.attrs, IN_MESSAGES);
    if (!in.isEmpty()) {
      row.takeIndexed(IN_MESSAGES);
      ArrayNode messages = NODES.arrayNode();
      in.values().forEach(m -> messages.add(message(m, "user")));
      row.input(messages);
    }
    Map<Integer, Map<String, Object>> out = AttrValues.indexed(row.attrs, OUT_MESSAGES);
    if (!out.isEmpty()) {
      row.takeIndexed(OUT_MESSAGES);
      ArrayNode choices = NODES.arrayNode();
      out.forEach(
          (i, m) -> {
            ObjectNode choice = choices.addObject();
            choice.put("index", i);
            choice.set("message", message(m, "assistant"));
            Object finish = row.get("llm.finish_reason");
            if (finish != null && out.size() == 1) {
              choice.put("finish_reason", String.valueOf(finish));
            }
          });
      row.output(choices);
    }
  }

  /** One flattened {@code message.*} entry in the chat format. */
  private static ObjectNode message(Map<String, Object> f, String defaultRole) {
    ObjectNode msg = NODES.objectNode();
    Object role = f.get("message.role");
    msg.put("role", role == null ? defaultRole : String.valueOf(role));
    Map<Integer, Map<String, Object>> contents = AttrValues.indexed(f, "message.contents.");
    if (!contents.isEmpty()) {
      ArrayNode parts = msg.putArray("content");
      for (Map<String, Object> c : contents.values()) {
        String type = String.valueOf(c.getOrDefault("message_content.type", "text"));
        if (type.equals("image")) {
          ObjectNode p = parts.addObject().put("type", "image_url");
          p.putObject("image_url")
              .put("url", String.valueOf(c.getOrDefault("message_content.image.image.url", "")));
        } else {
          parts
              .addObject()
              .put("type", type)
              .put("text", String.valueOf(c.getOrDefault("message_content.text", "")));
        }
      }
    } else if (f.containsKey("message.content")) {
      msg.set("content", NODES.textNode(String.valueOf(f.get("message.content"))));
    } else {
      msg.putNull("content");
    }
    copy(f, "message.name", msg, "name");
    copy(f, "message.tool_call_id", msg, "tool_call_id");
    Map<Integer, Map<String, Object>> calls = AttrValues.indexed(f, "message.tool_calls.");
    if (!calls.isEmpty()) {
      ArrayNode toolCalls = msg.putArray("tool_calls");
      for (Map<String, Object> c : calls.values()) {
        ObjectNode call = toolCalls.addObject();
        copy(c, "tool_call.id", call, "id");
        call.put("type", "function");
        ObjectNode fn = call.putObject("function");
        fn.put("name", String.valueOf(c.getOrDefault("tool_call.function.name", "")));
        fn.put("arguments", String.valueOf(c.getOrDefault("tool_call.function.arguments", "")));
      }
    } else if (f.containsKey("message.function_call_name")) {
      ObjectNode fn = msg.putObject("function_call");
      fn.put("name", String.valueOf(f.get("message.function_call_name")));
      fn.put(
          "arguments", String.valueOf(f.getOrDefault("message.function_call_arguments_json", "")));
    }
    return msg;
  }

  private static void copy(Map<String, Object> from, String key, ObjectNode to, String field) {
    Object v = from.get(key);
    if (v != null) {
      to.put(field, String.valueOf(v));
    }
  }

  private static void documents(SpanRow row) {
    Map<Integer, Map<String, Object>> docs = AttrValues.indexed(row.attrs, "retrieval.documents.");
    if (!docs.isEmpty()) {
      row.takeIndexed("retrieval.documents.");
      if (!row.attrs.containsKey("output.value")) {
        ArrayNode out = NODES.arrayNode();
        for (Map<String, Object> d : docs.values()) {
          ObjectNode doc = out.addObject();
          d.forEach(
              (k, v) ->
                  doc.set(
                      k.startsWith("document.") ? k.substring("document.".length()) : k,
                      AttrValues.toJson(v)));
        }
        row.output(out);
      }
    }
    Map<Integer, Map<String, Object>> embeddings =
        AttrValues.indexed(row.attrs, "embedding.embeddings.");
    if (!embeddings.isEmpty()) {
      // The vectors are large and say little to a reader: count them instead.
      row.takeIndexed("embedding.embeddings.");
      ArrayNode texts = NODES.arrayNode();
      int dimensions = -1;
      for (Map<String, Object> e : embeddings.values()) {
        Object text = e.get("embedding.text");
        if (text != null) {
          texts.add(String.valueOf(text));
        }
        Object vector = e.get("embedding.vector");
        if (vector instanceof java.util.List) {
          dimensions = ((java.util.List<?>) vector).size();
        }
      }
      if (!texts.isEmpty() && !row.attrs.containsKey("input.value")) {
        row.input(texts);
      }
      ObjectNode out = NODES.objectNode().put("embeddings", embeddings.size());
      if (dimensions >= 0) {
        out.put("dimensions", dimensions);
      }
      if (!row.attrs.containsKey("output.value")) {
        row.output(out);
      }
    }
  }

  private static void model(SpanRow row) {
    row.metadataFrom("embedding.model_name", "model");
    row.metadataFrom("llm.model_name", "model");
    Object provider = row.take("llm.provider");
    Object system = row.take("llm.system");
    if (provider != null || system != null) {
      row.metadata.put("provider", provider != null ? provider : system);
    }
    Object params = row.get("llm.invocation_parameters");
    JsonNode p = params == null ? null : AttrValues.toJson(params);
    if (p != null && p.isObject()) {
      row.consumed.add("llm.invocation_parameters");
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!(f.getKey().equals("model") && row.metadata.containsKey("model"))) {
          row.metadata.put(f.getKey(), f.getValue());
        }
      }
    }
    Map<Integer, Map<String, Object>> tools = AttrValues.indexed(row.attrs, "llm.tools.");
    if (!tools.isEmpty()) {
      row.takeIndexed("llm.tools.");
      ArrayNode defs = NODES.arrayNode();
      tools.values().forEach(t -> defs.add(AttrValues.toJson(t.get("tool.json_schema"))));
      row.metadata.put("tools", defs);
    }
  }

  private static void tokens(SpanRow row) {
    // Whole literals, not a prefix joined at run time: a key made per span is hashed per lookup.
    row.metricFrom("llm.token_count.prompt", "prompt_tokens");
    row.metricFrom("llm.token_count.completion", "completion_tokens");
    row.metricFrom("llm.token_count.total", "tokens");
    row.metricFrom("llm.token_count.prompt_details.cache_read", "prompt_cached_tokens");
    row.metricFrom("llm.token_count.prompt_details.cache_write", "prompt_cache_creation_tokens");
    row.metricFrom("llm.token_count.prompt_details.audio", "prompt_audio_tokens");
    row.metricFrom("llm.token_count.completion_details.reasoning", "completion_reasoning_tokens");
    row.metricFrom("llm.token_count.completion_details.audio", "completion_audio_tokens");
  }
}

package dev.braintrust.reactive.otel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The current OpenTelemetry GenAI conventions ({@code
 * OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental}) and the {@code gen_ai.*} attributes
 * every version shares: {@code gen_ai.input.messages}, {@code gen_ai.system_instructions} and
 * {@code gen_ai.output.messages} (structured or JSON text, on the span or on a {@code
 * gen_ai.client.inference.operation.details} event) become input and output; {@code
 * gen_ai.operation.name} the span type; the model, the request parameters the guide allows, {@code
 * gen_ai.provider.name} and {@code gen_ai.tool.definitions} metadata (other {@code
 * gen_ai.request.*} and {@code gen_ai.response.*} attributes are left out); {@code gen_ai.usage.*}
 * metrics.
 */
final class GenAiLatestMapping {
  static final String DETAILS_EVENT = "gen_ai.client.inference.operation.details";
  static final String INPUT = "gen_ai.input.messages";
  static final String OUTPUT = "gen_ai.output.messages";
  static final String SYSTEM = "gen_ai.system_instructions";
  static final String TOOLS = "gen_ai.tool.definitions";
  private static final String REQUEST = "gen_ai.request.";
  private static final String RESPONSE = "gen_ai.response.";

  private GenAiLatestMapping() {}

  static void apply(SpanRow row) {
    operation(row);
    requestAndResponse(row);
    usage(row);
    content(row);
    Object provider = row.take("gen_ai.provider.name");
    if (provider != null) {
      row.metadata.put("provider", provider);
    }
    Object tools = row.take(TOOLS);
    if (tools == null) {
      tools = fromDetailsEvent(row, TOOLS);
    }
    if (tools != null) {
      row.metadata.put("tools", openAiTools(AttrValues.toJson(tools)));
    }
  }

  /**
   * GenAI tool definitions ({@code {type: function, name, description, parameters}}) in the OpenAI
   * shape the guide asks for in {@code metadata.tools}; other tools are kept as they are.
   */
  static JsonNode openAiTools(JsonNode tools) {
    if (!tools.isArray()) {
      return tools;
    }
    ArrayNode out = AttrValues.NODES.arrayNode();
    for (JsonNode t : tools) {
      if (t.isObject() && "function".equals(t.path("type").asText()) && !t.has("function")) {
        com.fasterxml.jackson.databind.node.ObjectNode function = AttrValues.NODES.objectNode();
        t.fields()
            .forEachRemaining(
                f -> {
                  if (!f.getKey().equals("type")) {
                    function.set(f.getKey(), f.getValue());
                  }
                });
        com.fasterxml.jackson.databind.node.ObjectNode wrapped =
            AttrValues.NODES.objectNode().put("type", "function");
        wrapped.set("function", function);
        out.add(wrapped);
      } else {
        out.add(t);
      }
    }
    return out;
  }

  /** The span type of a {@code gen_ai.operation.name}, or null for one that names none. */
  static @Nullable String typeOf(String operation) {
    switch (operation) {
      case "chat":
      case "text_completion":
      case "generate_content":
      case "embeddings":
      case "embedding": // Spring AI's name
      case "image": // Spring AI's name
        return "llm";
      case "execute_tool":
        return "tool";
      case "invoke_agent":
      case "create_agent":
      case "invoke_workflow":
      case "framework":
        return "task";
      case "retrieval":
        return "function";
      default:
        return null;
    }
  }

  private static void operation(SpanRow row) {
    Object op = row.get("gen_ai.operation.name");
    if (op != null) {
      row.ai = true;
      String type = typeOf(String.valueOf(op));
      if (type != null) {
        row.type(type);
      }
    }
    Object args = row.take("gen_ai.tool.call.arguments");
    if (args != null) {
      row.input(AttrValues.rowValue(args));
    }
    Object result = row.take("gen_ai.tool.call.result");
    if (result != null) {
      row.output(AttrValues.rowValue(result));
    }
    Object query = row.take("gen_ai.retrieval.query.text");
    if (query != null) {
      row.input(query);
    }
    Object documents = row.take("gen_ai.retrieval.documents");
    if (documents != null) {
      row.output(AttrValues.toJson(documents));
    }
  }

  /**
   * The request parameters the guide allows in metadata, by their {@code gen_ai.request.*} name.
   * Every other request and response attribute is consumed and left out: the guide says any further
   * metadata field needs a specification update first.
   */
  private static final Map<String, String> REQUEST_METADATA =
      Map.of(
          "model", "model",
          "temperature", "temperature",
          "top_p", "top_p",
          "max_tokens", "max_tokens",
          "frequency_penalty", "frequency_penalty",
          "presence_penalty", "presence_penalty",
          "stop_sequences", "stop");

  private static void requestAndResponse(SpanRow row) {
    for (Map.Entry<String, Object> e : row.attrs.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(REQUEST)) {
        row.consumed.add(key);
        String name = REQUEST_METADATA.get(key.substring(REQUEST.length()));
        if (name != null) {
          row.metadata.put(name, AttrValues.plain(e.getValue()));
        }
      } else if (key.startsWith(RESPONSE)) {
        if (key.equals(RESPONSE + "time_to_first_chunk")) {
          row.metricFrom(key, "time_to_first_token");
        } else {
          row.consumed.add(key);
        }
      }
    }
    // The resolved model the response names wins over the requested one, as the guide asks.
    Object responseModel = row.get("gen_ai.response.model");
    if (responseModel != null) {
      row.metadata.put("model", AttrValues.plain(responseModel));
    }
  }

  private static void usage(SpanRow row) {
    row.metricFrom("gen_ai.usage.input_tokens", "prompt_tokens");
    row.metricFrom("gen_ai.usage.output_tokens", "completion_tokens");
    // Not in the conventions, but Spring AI and others send it.
    row.metricFrom("gen_ai.usage.total_tokens", "tokens");
    row.metricFrom("gen_ai.usage.cache_read.input_tokens", "prompt_cached_tokens");
    row.metricFrom("gen_ai.usage.cache_creation.input_tokens", "prompt_cache_creation_tokens");
    row.metricFrom("gen_ai.usage.reasoning.output_tokens", "completion_reasoning_tokens");
  }

  private static void content(SpanRow row) {
    Object in = row.take(INPUT);
    Object system = row.take(SYSTEM);
    Object out = row.take(OUTPUT);
    if (in == null && system == null && out == null) {
      // Content recorded on the operation-details event instead of the span.
      in = fromDetailsEvent(row, INPUT);
      system = fromDetailsEvent(row, SYSTEM);
      out = fromDetailsEvent(row, OUTPUT);
    }
    if (in != null || system != null) {
      ArrayNode messages = AttrValues.NODES.arrayNode();
      if (system != null) {
        messages.add(GenAiMessages.system(AttrValues.toJson(system)));
      }
      if (in != null) {
        JsonNode converted = GenAiMessages.input(AttrValues.toJson(in));
        if (converted.isArray()) {
          messages.addAll((ArrayNode) converted);
        } else {
          messages.add(converted);
        }
      }
      row.input(messages);
    }
    if (out != null) {
      row.output(GenAiMessages.choices(AttrValues.toJson(out)));
    }
  }

  /** An attribute of the last operation-details event: from its attributes, else its body. */
  private static @Nullable Object fromDetailsEvent(SpanRow row, String key) {
    List<GenAiEvent> details = new ArrayList<>(row.events(DETAILS_EVENT));
    for (int i = details.size() - 1; i >= 0; i--) {
      GenAiEvent e = details.get(i);
      Object v = e.attributes().get(key);
      if (v != null) {
        return v;
      }
      Value<?> body = e.body();
      if (body != null && body.getValue() instanceof List) {
        for (Object kv : (List<?>) body.getValue()) {
          if (kv instanceof KeyValue && ((KeyValue) kv).getKey().equals(key)) {
            return ((KeyValue) kv).getValue();
          }
        }
      }
    }
    return null;
  }
}

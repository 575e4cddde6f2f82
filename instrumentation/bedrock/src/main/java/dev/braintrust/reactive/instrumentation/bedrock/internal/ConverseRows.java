package dev.braintrust.reactive.instrumentation.bedrock.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a Converse call's span row holds, as the official SDKs write it and the spec's {@code
 * test/llm_span/bedrock} cases expect: {@code input} is the system blocks as a leading {@code
 * system} message, then the messages; {@code output} the reply message in a one-element list. Both
 * keep Converse's block shape ({@code {"text": ...}}, {@code {"toolUse": {...}}}, {@code {"image":
 * {"format", "source": {"bytes"}}}}, ...) with a {@code type} added where the UI needs one, so
 * inline media stay where an attachment converter expects them. {@code metadata} carries the
 * provider, the model id and the guide's allowlisted parameters; {@code metrics} the token counts.
 */
final class ConverseRows {
  /** The span name of a whole-message call. */
  static final String CONVERSE = "bedrock.converse";

  /** The span name of a streamed call. */
  static final String STREAM = "bedrock.converse-stream";

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ConverseRows() {}

  /** Input and metadata of a request body; the model id comes from the request's path. */
  static Log request(String modelId, JsonNode body) {
    ArrayNode input = NODES.arrayNode();
    JsonNode system = body.get("system");
    if (system != null && system.isArray() && !system.isEmpty()) {
      ObjectNode s = NODES.objectNode().put("role", "system");
      s.set("content", system);
      input.add(typed(s));
    }
    for (JsonNode m : body.path("messages")) {
      input.add(typed(m));
    }
    Log.Builder log =
        Log.builder().input(input).metadata("provider", "bedrock").metadata("model", modelId);
    JsonNode config = body.path("inferenceConfig");
    put(log, "max_tokens", config.get("maxTokens"));
    put(log, "temperature", config.get("temperature"));
    put(log, "top_p", config.get("topP"));
    put(log, "stop", config.get("stopSequences"));
    BedrockTools.record(log, body.path("toolConfig"));
    return log.build();
  }

  /** Output and metrics of a whole Converse response body. */
  static Log.Builder response(JsonNode body) {
    Log.Builder log = Log.builder();
    JsonNode message = body.path("output").path("message");
    if (message.isObject()) {
      log.output(NODES.arrayNode().add(typed(message)));
    }
    return log.metrics(usage(body.path("usage")));
  }

  /**
   * {@code message} with a {@code type} on its text, tool use, tool result, image and reasoning
   * blocks, which Converse leaves untyped (one member per block says what it is).
   */
  static JsonNode typed(JsonNode message) {
    JsonNode content = message.get("content");
    if (content == null || !content.isArray()) {
      return message;
    }
    ArrayNode blocks = NODES.arrayNode();
    for (JsonNode block : content) {
      String type = block.isObject() && !block.has("type") ? type(block) : null;
      if (type == null) {
        blocks.add(block);
      } else {
        ObjectNode copy = NODES.objectNode().put("type", type);
        copy.setAll((ObjectNode) block);
        blocks.add(copy);
      }
    }
    ObjectNode out = ((ObjectNode) message).deepCopy();
    out.set("content", blocks);
    return out;
  }

  private static @Nullable String type(JsonNode block) {
    if (block.has("text")) {
      return "text";
    }
    if (block.has("toolUse")) {
      return "tool_use";
    }
    if (block.has("toolResult")) {
      return "tool_result";
    }
    if (block.has("image")) {
      return "image";
    }
    if (block.has("reasoningContent")) {
      return "reasoning";
    }
    return null;
  }

  /**
   * Token metrics from Converse's {@code usage}. Bedrock's {@code inputTokens} excludes the tokens
   * read from or written to the prompt cache, so {@code prompt_tokens} adds them back, as the
   * token-metrics feature defines prompt tokens (every token of the prompt).
   */
  static Map<String, Number> usage(JsonNode usage) {
    Map<String, Number> metrics = new LinkedHashMap<>();
    if (!usage.isObject()) {
      return metrics;
    }
    long cacheRead = usage.path("cacheReadInputTokens").asLong(0);
    long cacheWrite = usage.path("cacheWriteInputTokens").asLong(0);
    long prompt = -1;
    if (usage.path("inputTokens").isNumber()) {
      prompt = usage.get("inputTokens").asLong() + cacheRead + cacheWrite;
      metrics.put("prompt_tokens", prompt);
    }
    if (usage.path("outputTokens").isNumber()) {
      long completion = usage.get("outputTokens").asLong();
      metrics.put("completion_tokens", completion);
      if (prompt >= 0) {
        metrics.put("tokens", prompt + completion);
      }
    } else if (usage.path("totalTokens").isNumber()) {
      metrics.put("tokens", usage.get("totalTokens").asLong());
    }
    if (usage.path("cacheReadInputTokens").isNumber()) {
      metrics.put("prompt_cached_tokens", cacheRead);
    }
    if (usage.path("cacheWriteInputTokens").isNumber()) {
      metrics.put("prompt_cache_creation_tokens", cacheWrite);
    }
    return metrics;
  }

  private static void put(Log.Builder log, String key, @Nullable JsonNode value) {
    if (value != null && !value.isNull()) {
      log.metadata(key, value);
    }
  }
}

package dev.braintrust.reactive.instrumentation.anthropic.internal;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an Anthropic call's span row holds, in the Messages API's wire format: {@code input} is the
 * system prompt (as a leading {@code system} message) and the messages, {@code metadata} the
 * provider, model and every other request parameter (tools, max_tokens, temperature, ...), {@code
 * output} the reply message, {@code metrics} the token counts.
 */
final class MessageRows {
  /** The span name of a whole-message call. */
  static final String CREATE = "anthropic.messages.create";

  /** The span name of a streamed call. */
  static final String STREAM = "anthropic.messages.stream";

  // The SDK's own mapper writes its model classes back in the wire format, unknown fields included.
  static final JsonMapper MAPPER = ObjectMappers.jsonMapper();

  private MessageRows() {}

  /** Input and metadata of a request. */
  static Log request(MessageCreateParams params) {
    ObjectNode body = MAPPER.valueToTree(params._body());
    ArrayNode input = MAPPER.createArrayNode();
    JsonNode system = body.remove("system");
    if (system != null && !system.isNull()) {
      ObjectNode s = input.addObject().put("role", "system");
      s.set("content", system);
    }
    JsonNode messages = body.remove("messages");
    if (messages != null && messages.isArray()) {
      input.addAll((ArrayNode) messages);
    }
    // The span name already says whether the call streamed.
    body.remove("stream");
    Log.Builder log = Log.builder().input(input).metadata("provider", "anthropic");
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      log.metadata(field.getKey(), field.getValue());
    }
    return log.build();
  }

  /** Output and metrics of a whole reply. */
  static Log response(Message message) {
    return output(MAPPER.valueToTree(message)).build();
  }

  /** A builder holding {@code message} as the output and its usage as metrics. */
  static Log.Builder output(ObjectNode message) {
    return Log.builder().output(message).metrics(usage(message.path("usage")));
  }

  /**
   * Token metrics from Anthropic's {@code usage}. Anthropic counts cached prompt tokens apart from
   * {@code input_tokens}, so {@code prompt_tokens} adds them back (as Braintrust's own wrappers do)
   * and {@code prompt_cached_tokens} / {@code prompt_cache_creation_tokens} break them out.
   */
  static Map<String, Number> usage(JsonNode usage) {
    Map<String, Number> metrics = new LinkedHashMap<>();
    if (!usage.isObject()) {
      return metrics;
    }
    long cacheRead = usage.path("cache_read_input_tokens").asLong(0);
    long cacheCreation = usage.path("cache_creation_input_tokens").asLong(0);
    long prompt = -1;
    if (usage.path("input_tokens").isNumber()) {
      prompt = usage.get("input_tokens").asLong() + cacheRead + cacheCreation;
      metrics.put("prompt_tokens", prompt);
    }
    if (usage.path("output_tokens").isNumber()) {
      long completion = usage.get("output_tokens").asLong();
      metrics.put("completion_tokens", completion);
      if (prompt >= 0) {
        metrics.put("tokens", prompt + completion);
      }
    }
    if (usage.path("cache_read_input_tokens").isNumber()) {
      metrics.put("prompt_cached_tokens", cacheRead);
    }
    if (usage.path("cache_creation_input_tokens").isNumber()) {
      metrics.put("prompt_cache_creation_tokens", cacheCreation);
    }
    return metrics;
  }
}

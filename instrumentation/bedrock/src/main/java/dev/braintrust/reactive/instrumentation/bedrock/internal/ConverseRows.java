package dev.braintrust.reactive.instrumentation.bedrock.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.attachment.Attachment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;

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

  /**
   * Input and metadata of a request. The caller's thread reads only the inference parameters and
   * looks for byte sources in the blocks ({@link ConverseMedia}); the input and tools are converted
   * from the (immutable) request when the row is written.
   */
  static Log request(
      String modelId,
      SdkPojo request,
      List<Message> messages,
      List<SystemContentBlock> system,
      @Nullable InferenceConfiguration config,
      @Nullable ToolConfiguration tools) {
    Map<SdkBytes, Attachment> media = ConverseMedia.find(messages, system);
    SdkJson.Memo body = new SdkJson.Memo(request, media);
    SdkJson.Lazy input = SdkJson.lazy(body, ConverseRows::input);
    Log.Builder log =
        Log.builder()
            .input(
                media.isEmpty()
                    ? input
                    : MediaJson.carrying(input, new ArrayList<>(media.values())))
            .metadata("provider", "bedrock")
            .metadata("model", modelId);
    if (config != null) {
      put(log, "max_tokens", config.maxTokens());
      put(log, "temperature", config.temperature());
      put(log, "top_p", config.topP());
      if (config.hasStopSequences()) {
        log.metadata("stop", config.stopSequences());
      }
    }
    if (tools != null) {
      if (tools.hasTools()) {
        log.metadata("tools", SdkJson.lazy(body, b -> BedrockTools.tools(b.path("toolConfig"))));
      }
      if (tools.toolChoice() != null) {
        log.metadata(
            "tool_choice",
            SdkJson.lazy(body, b -> BedrockTools.choice(b.path("toolConfig").path("toolChoice"))));
      }
    }
    return log.build();
  }

  /** The system blocks as a leading {@code system} message, then the messages. */
  static JsonNode input(JsonNode body) {
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
    return input;
  }

  /**
   * Output and metrics of a whole reply as the SDK parsed it; the output converted when written.
   */
  static Log.Builder response(ConverseResponse response) {
    Log.Builder log =
        Log.builder().output(SdkJson.lazy(new SdkJson.Memo(response), ConverseRows::output));
    TokenUsage u = response.usage();
    if (u != null) {
      log.metrics(
          usage(
              u.inputTokens(),
              u.outputTokens(),
              u.totalTokens(),
              u.cacheReadInputTokens(),
              u.cacheWriteInputTokens()));
    }
    return log;
  }

  private static @Nullable JsonNode output(JsonNode body) {
    JsonNode message = body.path("output").path("message");
    return message.isObject() ? NODES.arrayNode().add(typed(message)) : null;
  }

  /** Output and metrics of a reply assembled from a stream's events. */
  static Log.Builder response(JsonNode body) {
    Log.Builder log = Log.builder();
    JsonNode output = output(body);
    if (output != null) {
      log.output(output);
    }
    JsonNode u = body.path("usage");
    return log.metrics(
        usage(
            integer(u, "inputTokens"),
            integer(u, "outputTokens"),
            integer(u, "totalTokens"),
            integer(u, "cacheReadInputTokens"),
            integer(u, "cacheWriteInputTokens")));
  }

  private static @Nullable Integer integer(JsonNode usage, String field) {
    JsonNode v = usage.path(field);
    return v.isNumber() ? v.asInt() : null;
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
  static Map<String, Number> usage(
      @Nullable Integer input,
      @Nullable Integer output,
      @Nullable Integer total,
      @Nullable Integer cacheRead,
      @Nullable Integer cacheWrite) {
    Map<String, Number> metrics = new LinkedHashMap<>();
    long cached = (cacheRead == null ? 0 : cacheRead) + (cacheWrite == null ? 0 : cacheWrite);
    long prompt = -1;
    if (input != null) {
      prompt = input + cached;
      metrics.put("prompt_tokens", prompt);
    }
    if (output != null) {
      metrics.put("completion_tokens", output.longValue());
      if (prompt >= 0) {
        metrics.put("tokens", prompt + output);
      }
    } else if (total != null) {
      metrics.put("tokens", total.longValue());
    }
    if (cacheRead != null) {
      metrics.put("prompt_cached_tokens", cacheRead.longValue());
    }
    if (cacheWrite != null) {
      metrics.put("prompt_cache_creation_tokens", cacheWrite.longValue());
    }
    return metrics;
  }

  private static void put(Log.Builder log, String key, @Nullable Object value) {
    if (value != null) {
      log.metadata(key, value);
    }
  }
}

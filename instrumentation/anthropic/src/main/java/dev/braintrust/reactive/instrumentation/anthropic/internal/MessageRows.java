package dev.braintrust.reactive.instrumentation.anthropic.internal;

import com.anthropic.core.JsonValue;
import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.CacheCreation;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageContentParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.attachment.AttachmentConverter;
import dev.braintrust.reactive.core.internal.LazyJson;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What an Anthropic call's span row holds, per Braintrust's span spec: {@code input} is the
 * messages in the order sent with the system prompt appended as a trailing {@code system} message
 * (where the spec's cases expect it), {@code metadata} the provider, model and the allowlisted
 * request parameters (tools and {@code tool_choice} converted to the OpenAI shape), {@code output}
 * the reply message as Anthropic sends it, {@code metrics} the token counts with cache writes split
 * by TTL.
 */
final class MessageRows {
  /** The span name of a whole-message call. */
  static final String CREATE = "anthropic.messages.create";

  /** The span name of a streamed call. */
  static final String STREAM = "anthropic.messages.stream";

  // The SDK's own mapper writes its model classes back in the wire format, unknown fields included.
  static final JsonMapper MAPPER = ObjectMappers.jsonMapper();

  /** Request parameters the guide lets into metadata, kept under their own names. */
  private static final List<String> PLAIN = List.of("model", "temperature", "top_p", "max_tokens");

  private static final List<String> SAMPLING = List.of("temperature", "top_p");

  private MessageRows() {}

  /**
   * Input and metadata of a request. A text-only request is recorded without building its JSON on
   * the caller's thread: the allowlisted parameters are read from the typed body and the input is
   * reshaped when the row is encoded. One that may carry inline media is reshaped now, so its
   * images and documents leave the row as attachments.
   */
  static Log.Builder request(MessageCreateParams params) {
    MessageCreateParams.Body body = params._body();
    if (!(AttachmentConverter.enabled() && mayHoldMedia(body))) {
      try {
        return lazyRequest(body);
      } catch (RuntimeException unexpectedShape) {
        // A field set to something the typed accessors refuse: the tree below reads it as sent.
      }
    }
    return request(MAPPER.<ObjectNode>valueToTree(body));
  }

  private static Log.Builder lazyRequest(MessageCreateParams.Body body) {
    Log.Builder log =
        Log.builder()
            .input(LazyJson.ofValue(() -> input(MAPPER.valueToTree(body))))
            .metadata("provider", "anthropic")
            .metadata("model", body.model().asString());
    // Sampling settings the SDK's body has no typed field for arrive as additional properties.
    for (String field : SAMPLING) {
      JsonValue v = body._additionalProperties().get(field);
      if (v != null) {
        JsonNode n = MAPPER.valueToTree(v);
        if (!n.isNull() && !n.isMissingNode()) {
          log.metadata(field, n);
        }
      }
    }
    log.metadata("max_tokens", body.maxTokens());
    body.stopSequences().ifPresent(stop -> log.metadata("stop", stop));
    if (body.tools().isPresent() || body.toolChoice().isPresent()) {
      // Small next to the messages, and tool_choice decides parallel_tool_calls.
      ToolShapes.record(
          log,
          body.tools().map(MAPPER::<JsonNode>valueToTree).orElse(null),
          body.toolChoice().map(MAPPER::<JsonNode>valueToTree).orElse(null));
    }
    return log;
  }

  /** Whether any message has a block other than text (an image, a document, a tool result...). */
  private static boolean mayHoldMedia(MessageCreateParams.Body body) {
    try {
      for (MessageParam m : body.messages()) {
        MessageContentParam c = m.content();
        if (c.isContentBlockParams()) {
          for (ContentBlockParam block : c.asContentBlockParams()) {
            if (!block.isText()) {
              return true;
            }
          }
        } else if (!c.isString()) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException unexpectedShape) {
      return true;
    }
  }

  private static Log.Builder request(ObjectNode body) {
    // Inline base64 images and documents leave the row as attachments.
    JsonNode input = input(body);
    JsonNode logged = AttachmentConverter.enabled() ? AttachmentConverter.convert(input) : input;
    Log.Builder log = Log.builder().input(logged).metadata("provider", "anthropic");
    for (String field : PLAIN) {
      JsonNode v = body.get(field);
      if (v != null && !v.isNull()) {
        log.metadata(field, v.isTextual() ? v.asText() : v);
      }
    }
    JsonNode stop = body.get("stop_sequences");
    if (stop != null && stop.isArray()) {
      log.metadata("stop", stop);
    }
    ToolShapes.record(log, body.get("tools"), body.get("tool_choice"));
    return log;
  }

  /** The messages in the order sent, the system prompt appended as a trailing system message. */
  private static ArrayNode input(ObjectNode body) {
    ArrayNode input = MAPPER.createArrayNode();
    JsonNode messages = body.get("messages");
    if (messages != null && messages.isArray()) {
      input.addAll((ArrayNode) messages);
    }
    JsonNode system = body.get("system");
    if (system != null && !system.isNull()) {
      ObjectNode s = input.addObject().put("role", "system");
      s.set("content", system);
    }
    return input;
  }

  /**
   * Adds the output and metrics of a whole reply to {@code row}, the call's one builder (so the
   * reply's model replaces the request's in place, with no second log to merge into the span): the
   * reply's JSON is built when the row is encoded; only its usage and model are read now, into
   * locals first, so a reply the typed accessors refuse leaves {@code row} untouched until the
   * tree, which reads whatever it has, takes over.
   */
  static void response(Log.Builder row, Message message) {
    String model;
    long input;
    long output;
    @Nullable Long cacheRead;
    @Nullable Long cacheCreationTotal;
    @Nullable Long fiveMinutes = null;
    @Nullable Long oneHour = null;
    try {
      model = message.model().asString();
      Usage usage = message.usage();
      input = usage.inputTokens();
      output = usage.outputTokens();
      cacheRead = usage.cacheReadInputTokens().orElse(null);
      cacheCreationTotal = usage.cacheCreationInputTokens().orElse(null);
      if (usage.cacheCreation().isPresent()) {
        CacheCreation split = usage.cacheCreation().get();
        fiveMinutes = split.ephemeral5mInputTokens();
        oneHour = split.ephemeral1hInputTokens();
      }
    } catch (RuntimeException unexpectedShape) {
      // A reply missing what the typed accessors require: the tree reads whatever it has.
      output(row, MAPPER.valueToTree(message));
      return;
    }
    row.output(LazyJson.ofValue(() -> MAPPER.valueToTree(message)));
    usage(row, input, output, cacheRead, cacheCreationTotal, fiveMinutes, oneHour);
    if (!model.isEmpty()) {
      row.metadata("model", model);
    }
  }

  /**
   * Adds {@code message} as the output, its usage as metrics and the model it names as {@code
   * metadata.model} to {@code row}.
   */
  static Log.Builder output(Log.Builder row, ObjectNode message) {
    row.output(message);
    usage(row, message.path("usage"));
    JsonNode model = message.path("model");
    if (model.isTextual() && !model.asText().isEmpty()) {
      row.metadata("model", model.asText());
    }
    return row;
  }

  /**
   * A builder holding {@code message} as the output, its usage as metrics and the model it names as
   * {@code metadata.model}.
   */
  static Log.Builder output(ObjectNode message) {
    return output(Log.builder(), message);
  }

  /**
   * Token metrics from Anthropic's {@code usage}, as {@code prompt-cache.md} maps them. Anthropic
   * counts cache reads and writes apart from {@code input_tokens}, so {@code prompt_tokens} adds
   * them back. Cache writes are reported split by TTL ({@code prompt_cache_creation_5m_tokens} /
   * {@code _1h_tokens}) when the nested {@code cache_creation} breakdown is present, and as the
   * aggregate {@code prompt_cache_creation_tokens} only when it is not: one representation per
   * span, never a split made up from the aggregate.
   */
  static void usage(Log.Builder row, JsonNode usage) {
    if (!usage.isObject()) {
      return;
    }
    JsonNode split = usage.path("cache_creation");
    JsonNode fiveMinutes = split.path("ephemeral_5m_input_tokens");
    JsonNode oneHour = split.path("ephemeral_1h_input_tokens");
    usage(
        row,
        number(usage.path("input_tokens")),
        number(usage.path("output_tokens")),
        number(usage.path("cache_read_input_tokens")),
        number(usage.path("cache_creation_input_tokens")),
        number(fiveMinutes),
        number(oneHour));
  }

  private static @Nullable Long number(JsonNode n) {
    return n.isNumber() ? n.asLong() : null;
  }

  /**
   * Each count is null when the reply does not carry it. Written straight into the row's builder: a
   * map of them first would be copied into it anyway.
   */
  private static void usage(
      Log.Builder row,
      @Nullable Long input,
      @Nullable Long output,
      @Nullable Long cacheRead,
      @Nullable Long cacheCreationTotal,
      @Nullable Long fiveMinutes,
      @Nullable Long oneHour) {
    boolean hasSplit = fiveMinutes != null || oneHour != null;
    long cacheCreation =
        hasSplit
            ? (fiveMinutes != null ? fiveMinutes : 0) + (oneHour != null ? oneHour : 0)
            : cacheCreationTotal != null ? cacheCreationTotal : 0;
    long prompt = -1;
    if (input != null) {
      prompt = input + (cacheRead != null ? cacheRead : 0) + cacheCreation;
      row.metric("prompt_tokens", prompt);
    }
    if (output != null) {
      row.metric("completion_tokens", output);
      if (prompt >= 0) {
        row.metric("tokens", prompt + output);
      }
    }
    if (cacheRead != null) {
      row.metric("prompt_cached_tokens", cacheRead);
    }
    if (hasSplit) {
      if (fiveMinutes != null) {
        row.metric("prompt_cache_creation_5m_tokens", fiveMinutes);
      }
      if (oneHour != null) {
        row.metric("prompt_cache_creation_1h_tokens", oneHour);
      }
    } else if (cacheCreationTotal != null) {
      row.metric("prompt_cache_creation_tokens", cacheCreation);
    }
  }
}

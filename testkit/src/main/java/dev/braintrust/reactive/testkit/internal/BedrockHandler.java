package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Bedrock Runtime's Converse routes, {@code POST /model/{modelId}/converse} (a JSON answer) and
 * {@code POST /model/{modelId}/converse-stream} (an AWS event stream), so a {@code
 * BedrockRuntimeClient} whose endpoint is overridden to the server talks to the fake model. Bodies
 * are checked the way Converse checks them and refused with a 400 in the AWS JSON error shape
 * ({@code x-amzn-ErrorType: ValidationException}, {@code {"message": ...}}), which the AWS SDK
 * turns into a {@code ValidationException}.
 */
public final class BedrockHandler {
  private static final Set<String> ROLES = Set.of("user", "assistant");
  private static final Set<String> BLOCKS =
      Set.of(
          "text",
          "image",
          "document",
          "video",
          "toolUse",
          "toolResult",
          "guardContent",
          "cachePoint",
          "reasoningContent",
          "citationsContent");

  private final BedrockReplies replies;
  private final FakeModel model;

  /** A handler answering with {@code model}. */
  public BedrockHandler(FakeModel model) {
    this.replies = new BedrockReplies(model);
    this.model = model;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/model/([^/]+)/converse", (ex, p) -> answer(ex.body(), p.get(0), false));
    routes.on(
        "POST", "/model/([^/]+)/converse-stream", (ex, p) -> answer(ex.body(), p.get(0), true));
  }

  /** An answer in the AWS JSON protocol's error shape. */
  static Reply error(int status, String type, String message) {
    return Reply.json(status, Json.object().put("message", message))
        .withHeaders(Map.of("x-amzn-ErrorType", type));
  }

  private Reply answer(JsonNode body, String modelId, boolean stream) {
    try {
      validate(body, modelId);
    } catch (HttpError e) {
      return error(e.status(), "ValidationException", e.getMessage());
    }
    Reply canned = model.nextCanned();
    if (canned != null) {
      return canned;
    }
    return stream
        ? Reply.frames(EventStreamFrames.CONTENT_TYPE, replies.frames(body))
        : Reply.ok(replies.converse(body));
  }

  private static void validate(JsonNode body, String modelId) {
    if (modelId.isBlank()) {
      throw bad("modelId: must not be blank");
    }
    if (!body.isObject()) {
      throw bad("request body must be a JSON object");
    }
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw bad("messages: at least one message is required");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String at = "messages." + i;
      if (!ROLES.contains(m.path("role").asText())) {
        throw bad(at + ".role: must be 'user' or 'assistant'");
      }
      blocks(m.get("content"), at + ".content");
    }
    JsonNode system = body.get("system");
    if (present(system) && !system.isArray()) {
      throw bad("system: must be a list of system content blocks");
    }
    JsonNode config = body.path("inferenceConfig");
    JsonNode maxTokens = config.get("maxTokens");
    if (present(maxTokens) && (!maxTokens.isIntegralNumber() || maxTokens.asLong() < 1)) {
      throw bad("inferenceConfig.maxTokens: must be an integer of at least 1");
    }
    JsonNode temperature = config.get("temperature");
    if (present(temperature)
        && (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 1)) {
      throw bad("inferenceConfig.temperature: must be a number between 0 and 1");
    }
    tools(body.get("toolConfig"));
  }

  private static void blocks(@Nullable JsonNode content, String at) {
    if (content == null || !content.isArray() || content.isEmpty()) {
      throw bad(at + ": must be a non-empty list of content blocks");
    }
    for (int j = 0; j < content.size(); j++) {
      JsonNode b = content.get(j);
      List<String> names = b.isObject() ? fieldNames(b) : List.of();
      if (names.size() != 1 || !BLOCKS.contains(names.get(0))) {
        throw bad(at + "." + j + ": a content block must have exactly one known member");
      }
      if (names.get(0).equals("text") && !b.get("text").isTextual()) {
        throw bad(at + "." + j + ".text: must be a string");
      }
    }
  }

  private static void tools(@Nullable JsonNode config) {
    if (!present(config)) {
      return;
    }
    JsonNode tools = config.get("tools");
    if (tools == null || !tools.isArray() || tools.isEmpty()) {
      throw bad("toolConfig.tools: at least one tool is required");
    }
    for (int i = 0; i < tools.size(); i++) {
      JsonNode spec = tools.get(i).path("toolSpec");
      if (!spec.path("name").isTextual() || spec.path("name").asText().isEmpty()) {
        throw bad("toolConfig.tools." + i + ".toolSpec.name: required");
      }
    }
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static boolean present(@Nullable JsonNode v) {
    return v != null && !v.isNull();
  }

  private static HttpError bad(String message) {
    return HttpError.badRequest(message);
  }
}

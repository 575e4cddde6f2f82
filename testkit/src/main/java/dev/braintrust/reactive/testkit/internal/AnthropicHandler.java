package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The AI proxy's Anthropic Messages route, {@code POST /v1/proxy/v1/messages}, so an Anthropic
 * client whose base URL is {@code <server>/v1/proxy} talks to the fake model. Bodies are checked
 * the way the Messages API checks them, and refused with a 400 in Anthropic's error shape, {@code
 * {"type":"error","error":{"type":"invalid_request_error","message":...}}}, which is what
 * Anthropic's clients parse.
 */
public final class AnthropicHandler {
  // Recent API versions take system messages among the messages too.
  private static final Set<String> ROLES = Set.of("user", "assistant", "system");
  private static final Set<String> TOOL_CHOICES = Set.of("auto", "any", "tool", "none");

  private final AnthropicReplies replies;
  private final FakeModel model;

  /** A handler answering with {@code model}. */
  public AnthropicHandler(FakeModel model) {
    this.replies = new AnthropicReplies(model);
    this.model = model;
  }

  /** Adds this handler's route. */
  public void register(Router.Builder routes) {
    routes.on(
        "POST",
        "/v1/proxy/v1/messages",
        (ex, p) -> {
          try {
            return messages(ex.body());
          } catch (HttpError e) {
            return error(e.status(), e.getMessage());
          }
        });
  }

  /** An answer in Anthropic's error shape. */
  static Reply error(int status, String message) {
    ObjectNode body = Json.object().put("type", "error");
    body.putObject("error").put("type", "invalid_request_error").put("message", message);
    return Reply.json(status, body);
  }

  private Reply messages(JsonNode body) {
    validate(body);
    Reply canned = model.nextCanned();
    if (canned != null) {
      return canned;
    }
    if (body.path("stream").asBoolean(false)) {
      return Reply.namedEvents(replies.events(body));
    }
    return Reply.ok(replies.message(body));
  }

  private static void validate(JsonNode body) {
    if (!body.isObject()) {
      throw bad("request body must be a JSON object");
    }
    JsonNode model = required(body, "model");
    if (!model.isTextual() || model.asText().isBlank()) {
      throw bad("model: Input should be a non-empty string");
    }
    JsonNode maxTokens = required(body, "max_tokens");
    if (!maxTokens.isIntegralNumber()) {
      throw bad("max_tokens: Input should be a valid integer");
    }
    if (maxTokens.asLong() < 1) {
      throw bad("max_tokens: Input should be greater than or equal to 1");
    }
    checkMessages(required(body, "messages"));
    system(body.get("system"));
    JsonNode stream = body.get("stream");
    if (present(stream) && !stream.isBoolean()) {
      throw bad("stream: Input should be a valid boolean");
    }
    JsonNode temperature = body.get("temperature");
    if (present(temperature)
        && (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 1)) {
      throw bad("temperature: Input should be a number between 0 and 1");
    }
    tools(body.get("tools"), body.get("tool_choice"));
    thinking(body.get("thinking"), maxTokens.asLong());
  }

  /** Extended thinking: an enabled budget is at least 1024 tokens and below {@code max_tokens}. */
  private static void thinking(@Nullable JsonNode thinking, long maxTokens) {
    if (!present(thinking) || !thinking.path("type").asText().equals("enabled")) {
      return;
    }
    JsonNode budget = thinking.path("budget_tokens");
    if (!budget.isIntegralNumber()) {
      throw bad("thinking.enabled.budget_tokens: Field required");
    }
    if (budget.asLong() < 1024) {
      throw bad("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
    }
    if (budget.asLong() >= maxTokens) {
      throw bad("`max_tokens` must be greater than `thinking.budget_tokens`");
    }
  }

  private static void checkMessages(JsonNode messages) {
    if (!messages.isArray()) {
      throw bad("messages: Input should be a valid list");
    }
    if (messages.isEmpty()) {
      throw bad("messages: at least one message is required");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String at = "messages." + i;
      if (!m.isObject()) {
        throw bad(at + ": Input should be a valid dictionary");
      }
      if (!ROLES.contains(m.path("role").asText())) {
        throw bad(at + ".role: Input should be 'user', 'assistant' or 'system'");
      }
      JsonNode content = m.get("content");
      if (content == null || content.isNull()) {
        throw bad(at + ".content: Field required");
      }
      if (!content.isTextual()) {
        blocks(content, at + ".content", false);
      }
    }
  }

  private static void system(@Nullable JsonNode system) {
    if (present(system) && !system.isTextual()) {
      blocks(system, "system", true);
    }
  }

  /** Content blocks: objects with a {@code type}, text blocks with their {@code text}. */
  private static void blocks(JsonNode blocks, String at, boolean textOnly) {
    if (!blocks.isArray()) {
      throw bad(
          at
              + ": Input should be a valid string or a list of "
              + (textOnly ? "text blocks" : "content blocks"));
    }
    for (int j = 0; j < blocks.size(); j++) {
      JsonNode b = blocks.get(j);
      String type = b.path("type").asText("");
      if (!b.isObject() || type.isEmpty()) {
        throw bad(at + "." + j + ".type: Field required");
      }
      if (textOnly && !type.equals("text")) {
        throw bad(at + "." + j + ".type: Input should be 'text'");
      }
      if (type.equals("text") && !b.path("text").isTextual()) {
        throw bad(at + "." + j + ".text: Field required");
      }
    }
  }

  private static void tools(@Nullable JsonNode tools, @Nullable JsonNode choice) {
    Set<String> names = new HashSet<>();
    if (present(tools)) {
      if (!tools.isArray()) {
        throw bad("tools: Input should be a valid list");
      }
      for (int i = 0; i < tools.size(); i++) {
        JsonNode name = tools.get(i).get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
          throw bad("tools." + i + ".name: Field required");
        }
        names.add(name.asText());
      }
    }
    if (!present(choice)) {
      return;
    }
    String type = choice.path("type").asText("");
    if (!TOOL_CHOICES.contains(type)) {
      throw bad("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
    }
    if ((type.equals("any") || type.equals("tool")) && names.isEmpty()) {
      throw bad("tool_choice: '" + type + "' needs at least one tool in 'tools'");
    }
    if (type.equals("tool") && !names.contains(choice.path("name").asText())) {
      throw bad(
          "tool_choice.name: no tool named '" + choice.path("name").asText() + "' in 'tools'");
    }
  }

  private static JsonNode required(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (!present(v)) {
      throw bad(field + ": Field required");
    }
    return v;
  }

  private static boolean present(@Nullable JsonNode v) {
    return v != null && !v.isNull();
  }

  private static HttpError bad(String message) {
    return HttpError.badRequest(message);
  }
}

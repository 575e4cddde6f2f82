package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * The AI proxy, {@code /v1/proxy/chat/completions}, {@code /v1/proxy/embeddings} and {@code
 * /v1/proxy/responses} (whole or streamed, see {@link ResponsesReplies}), answered by the fake
 * model or by a canned response.
 */
public final class ProxyHandler {
  private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

  private final FakeModel model;
  private final ResponsesReplies responses;

  /** A proxy in front of {@code model}. */
  public ProxyHandler(FakeModel model) {
    this.model = model;
    this.responses = new ResponsesReplies(model);
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/v1/proxy/chat/completions", (ex, p) -> chat(ex.body()));
    routes.on("POST", "/v1/proxy/embeddings", (ex, p) -> embeddings(ex.body()));
    routes.on("POST", "/v1/proxy/responses", (ex, p) -> responses(ex.body()));
  }

  private Reply responses(JsonNode body) {
    if (!body.path("model").isTextual() || body.get("model").asText().isBlank()) {
      return openAiError(
          "Missing required parameter: 'model'.", "model", "missing_required_parameter");
    }
    JsonNode input = body.path("input");
    if (!input.isMissingNode() && !input.isTextual() && !input.isArray()) {
      return openAiError(
          "Invalid type for 'input': expected a string or an array.", "input", "invalid_type");
    }
    JsonNode previous = body.path("previous_response_id");
    if (previous.isTextual() && !responses.known(previous.asText())) {
      return openAiError(
          "Previous response with id '" + previous.asText() + "' not found.",
          "previous_response_id",
          "previous_response_not_found");
    }
    Reply canned = model.nextCanned();
    if (canned != null) {
      return canned;
    }
    ObjectNode response = responses.response(body);
    return body.path("stream").asBoolean(false)
        ? Reply.namedEvents(ResponsesReplies.events(response))
        : Reply.ok(response);
  }

  /** A 400 in OpenAI's error shape, which OpenAI's clients parse. */
  private static Reply openAiError(String message, String param, String code) {
    ObjectNode body = Json.object();
    body.putObject("error")
        .put("message", message)
        .put("type", "invalid_request_error")
        .put("param", param)
        .put("code", code);
    return Reply.json(400, body);
  }

  private Reply chat(JsonNode body) {
    if (!body.hasNonNull("model") || !body.path("messages").isArray()) {
      throw HttpError.badRequest("'model' and 'messages' are required");
    }
    Bodies.optional(body, "model");
    JsonNode messages = body.get("messages");
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      if (!m.isObject() || !ROLES.contains(m.path("role").asText())) {
        throw HttpError.badRequest(
            "messages[" + i + "].role must be one of system, user, assistant, tool");
      }
      // The spec types content as a string; OpenAI clients also send null (an assistant's tool
      // calls) and arrays of content parts, which the proxy passes on.
      JsonNode content = m.path("content");
      if (!content.isMissingNode()
          && !content.isNull()
          && !content.isTextual()
          && !content.isArray()) {
        throw HttpError.badRequest(
            "messages[" + i + "].content must be a string (or an array of content parts)");
      }
    }
    Fields f = Fields.of(body);
    f.bool("stream");
    f.number("temperature");
    f.integer("max_tokens");
    f.objects("tools");
    boolean streamed = body.path("stream").asBoolean(false);
    Reply canned = model.nextCanned();
    if (canned != null) {
      return canned;
    }
    FakeModel.ToolCall call = model.nextToolCall();
    if (call != null) {
      return streamed
          ? Reply.events(model.toolCallChunks(body, call))
          : Reply.ok(model.toolCallCompletion(body, call));
    }
    String reply = model.reply(body);
    if (streamed) {
      return Reply.events(model.chunks(body, reply));
    }
    return Reply.ok(model.completion(body, reply));
  }

  private Reply embeddings(JsonNode body) {
    if (!body.hasNonNull("model") || !body.has("input")) {
      throw HttpError.badRequest("'model' and 'input' are required");
    }
    Bodies.optional(body, "model");
    JsonNode input = body.get("input");
    boolean strings = input.isTextual();
    if (input.isArray()) {
      strings = true;
      for (JsonNode x : input) {
        strings &= x.isTextual();
      }
    }
    if (!strings) {
      throw HttpError.badRequest("'input' must be a string or an array of strings");
    }
    return Reply.ok(model.embeddings(body));
  }
}

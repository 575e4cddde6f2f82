package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * The Gemini API's model routes, {@code POST /{v1,v1beta}/models/{model}:generateContent}, {@code
 * :streamGenerateContent} (Server-Sent Events with {@code ?alt=sse}, else one JSON array), {@code
 * :embedContent} and {@code :batchEmbedContents}, so a Google Gen AI client whose base URL is the
 * server talks to the fake model (the key goes in {@code x-goog-api-key}). Bodies are checked the
 * way the API checks them and refused with a 400 in Google's error shape, {@code {"error":
 * {"code":400,"message":...,"status":"INVALID_ARGUMENT"}}}, which is what Google's clients parse.
 */
public final class GeminiHandler {
  private static final String MODEL = "/(?:v1|v1beta|v1alpha)/models/([^/:]+)";
  private static final Set<String> ROLES = Set.of("user", "model", "function");

  private final GeminiReplies replies;
  private final FakeModel model;

  /** A handler answering with {@code model}. */
  public GeminiHandler(FakeModel model) {
    this.replies = new GeminiReplies(model);
    this.model = model;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", MODEL + ":generateContent", (ex, p) -> guarded(ex, p.get(0), false));
    routes.on("POST", MODEL + ":streamGenerateContent", (ex, p) -> guarded(ex, p.get(0), true));
    routes.on("POST", MODEL + ":embedContent", (ex, p) -> embed(ex.body(), p.get(0), false));
    routes.on("POST", MODEL + ":batchEmbedContents", (ex, p) -> embed(ex.body(), p.get(0), true));
  }

  /** Whether a request path is one of these routes, whose key comes as {@code x-goog-api-key}. */
  public static boolean isGeminiPath(String path) {
    return path.matches(MODEL + ":[A-Za-z]+");
  }

  /** An answer in Google's error shape. */
  static Reply error(int status, String message) {
    ObjectNode body = Json.object();
    body.putObject("error")
        .put("code", status)
        .put("message", message)
        .put("status", status == 400 ? "INVALID_ARGUMENT" : "UNKNOWN");
    return Reply.json(status, body);
  }

  private Reply guarded(Exchange ex, String modelName, boolean stream) {
    try {
      JsonNode body = ex.body();
      validate(body);
      Reply canned = model.nextCanned();
      if (canned != null) {
        return canned;
      }
      if (!stream) {
        return Reply.ok(replies.response(body, modelName));
      }
      if ("sse".equals(ex.param("alt"))) {
        return Reply.events(replies.chunks(body, modelName));
      }
      return Reply.json(200, replies.chunkArray(body, modelName));
    } catch (HttpError e) {
      return error(e.status(), e.getMessage());
    }
  }

  private Reply embed(JsonNode body, String modelName, boolean batch) {
    try {
      if (body == null || !body.isObject()) {
        throw HttpError.badRequest("request body must be a JSON object");
      }
      if (batch) {
        JsonNode requests = body.path("requests");
        if (!requests.isArray() || requests.isEmpty()) {
          throw HttpError.badRequest("* BatchEmbedContentsRequest.requests: must not be empty");
        }
        for (int i = 0; i < requests.size(); i++) {
          parts(requests.get(i).path("content"), "requests[" + i + "].content");
        }
      } else {
        parts(body.path("content"), "content");
      }
      Reply canned = model.nextCanned();
      return canned != null ? canned : Reply.ok(replies.embeddings(body, modelName, batch));
    } catch (HttpError e) {
      return error(e.status(), e.getMessage());
    }
  }

  private static void validate(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw HttpError.badRequest("request body must be a JSON object");
    }
    JsonNode contents = body.path("contents");
    if (!contents.isArray() || contents.isEmpty()) {
      throw HttpError.badRequest("* GenerateContentRequest.contents: contents is not specified");
    }
    for (int i = 0; i < contents.size(); i++) {
      JsonNode c = contents.get(i);
      String role = c.path("role").asText("user");
      if (!ROLES.contains(role)) {
        throw HttpError.badRequest(
            "Please use a valid role: user, model. (contents[" + i + "].role: " + role + ")");
      }
      parts(c, "contents[" + i + "]");
    }
    if (body.has("systemInstruction")) {
      parts(body.get("systemInstruction"), "systemInstruction");
    }
    JsonNode temperature = body.path("generationConfig").get("temperature");
    if (temperature != null
        && (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 2)) {
      throw HttpError.badRequest(
          "* GenerateContentRequest.generation_config.temperature: must be between 0 and 2");
    }
  }

  private static void parts(JsonNode content, String at) {
    JsonNode parts = content.path("parts");
    if (!parts.isArray() || parts.isEmpty()) {
      throw HttpError.badRequest("* " + at + ".parts: contents.parts must not be empty");
    }
    for (int j = 0; j < parts.size(); j++) {
      JsonNode p = parts.get(j);
      if (!p.isObject() || p.isEmpty()) {
        throw HttpError.badRequest("* " + at + ".parts[" + j + "]: data must be set");
      }
    }
  }
}

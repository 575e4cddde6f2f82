package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** The AI proxy, {@code /v1/proxy/chat/completions} and {@code /v1/proxy/embeddings}, answered by the fake model. */
public final class ProxyHandler {
  private final FakeModel model;

  /** A proxy in front of {@code model}. */
  public ProxyHandler(FakeModel model) {
    this.model = model;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/v1/proxy/chat/completions", (ex, p) -> chat(ex.body()));
    routes.on("POST", "/v1/proxy/embeddings", (ex, p) -> embeddings(ex.body()));
  }

  private Reply chat(JsonNode body) {
    if (!body.hasNonNull("model") || !body.path("messages").isArray()) {
      throw HttpError.badRequest("'model' and 'messages' are required");
    }
    String reply = model.reply(body);
    if (body.path("stream").asBoolean(false)) {
      return Reply.events(model.chunks(body, reply));
    }
    return Reply.ok(model.completion(body, reply));
  }

  private Reply embeddings(JsonNode body) {
    if (!body.hasNonNull("model") || !body.has("input")) {
      throw HttpError.badRequest("'model' and 'input' are required");
    }
    return Reply.ok(model.embeddings(body));
  }
}

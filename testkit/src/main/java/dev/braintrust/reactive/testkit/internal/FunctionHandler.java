package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Functions: invoking one, answered by a fake that echoes its input. */
public final class FunctionHandler {
  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/v1/function/([^/]+)/invoke", (ex, p) -> invoke(ex.body(), p.get(0)));
    routes.on("POST", "/v1/function", (ex, p) -> {
      JsonNode body = ex.body();
      if (!body.has("slug")) {
        throw HttpError.notFound("no route for POST /v1/function");
      }
      if (!body.hasNonNull("project_name") && !body.hasNonNull("project_id")) {
        throw HttpError.badRequest("'project_name' or 'project_id' is required with 'slug'");
      }
      return invoke(body, body.get("slug").asText());
    });
  }

  private static Reply invoke(JsonNode body, String function) {
    // The fake function echoes its input, so tests can check what was sent.
    ObjectNode out = Json.object();
    out.put("function", function);
    out.set("output", body.has("input") ? body.get("input") : body.path("messages"));
    if (body.path("stream").asBoolean(false)) {
      return Reply.events(List.of(out.toString(), "[DONE]"));
    }
    return Reply.ok(out);
  }
}

package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Rows of project logs, experiments and datasets: {@code insert}, {@code fetch}, {@code feedback}.
 */
public final class EventHandler {
  private static final String OBJECT = "/v1/(project_logs|experiment|dataset)/([^/]+)/";

  private final ObjectStore objects;
  private final RowStore rows;

  /** A handler storing rows in {@code rows} for objects of {@code objects}. */
  public EventHandler(ObjectStore objects, RowStore rows) {
    this.objects = objects;
    this.rows = rows;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", OBJECT + "insert", (ex, p) -> insert(table(p), ex.body()));
    routes.on("POST", OBJECT + "fetch", (ex, p) -> fetch(table(p), ex));
    routes.on("GET", OBJECT + "fetch", (ex, p) -> fetch(table(p), ex));
    routes.on("POST", OBJECT + "feedback", (ex, p) -> feedback(table(p), ex.body()));
  }

  /** The row table of the object in the path; 404 when the object does not exist. */
  private String table(List<String> params) {
    String kind = params.get(0);
    String id = params.get(1);
    String objectKind = kind.equals("project_logs") ? "project" : kind;
    if (objects.get(objectKind, id) == null) {
      throw HttpError.notFound(objectKind + " '" + id + "' not found");
    }
    return RowStore.key(kind, id);
  }

  private Reply insert(String table, JsonNode body) {
    List<String> ids = rows.insert(table, EventValidator.events(body));
    ObjectNode out = Json.object();
    ArrayNode rowIds = out.putArray("row_ids");
    ids.forEach(rowIds::add);
    return Reply.ok(out);
  }

  private Reply feedback(String table, JsonNode body) {
    rows.feedback(table, EventValidator.feedback(body));
    return Reply.ok(Json.object());
  }

  private Reply fetch(String table, Exchange ex) {
    JsonNode body = Bodies.object(ex.body());
    JsonNode limitField = body.get("limit");
    if (limitField != null
        && !limitField.isNull()
        && !(limitField.isIntegralNumber() && limitField.canConvertToInt())) {
      throw HttpError.badRequest("'limit' must be an integer");
    }
    JsonNode filters = body.get("filters");
    if (filters != null && !filters.isNull() && !filters.isArray()) {
      throw HttpError.badRequest("'filters' must be an array");
    }
    Bodies.optional(body, "cursor");
    int limit = body.hasNonNull("limit") ? body.get("limit").asInt() : limit(ex.param("limit"));
    if (limit <= 0) {
      throw HttpError.badRequest("limit must be positive");
    }
    String cursor = body.hasNonNull("cursor") ? body.get("cursor").asText() : ex.param("cursor");
    int offset = 0;
    if (cursor != null && !cursor.isEmpty()) {
      try {
        offset =
            Integer.parseInt(
                new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw HttpError.badRequest("invalid cursor '" + cursor + "'");
      }
    }
    // Cursor offsets count rows after filtering, so pages of a filtered fetch don't overlap.
    List<ObjectNode> matching = filter(rows.rows(table), body.get("filters"));
    ObjectNode out = Json.object();
    ArrayNode events = out.putArray("events");
    int end = (int) Math.min(matching.size(), (long) offset + limit);
    for (int i = offset; i < end; i++) {
      events.add(matching.get(i));
    }
    if (end < matching.size()) {
      out.put(
          "cursor",
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(Integer.toString(end).getBytes(StandardCharsets.UTF_8)));
    } else {
      out.putNull("cursor");
    }
    return Reply.ok(out);
  }

  private static int limit(@Nullable String limit) {
    if (limit == null) {
      return 100;
    }
    try {
      return Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      throw HttpError.badRequest("'limit' must be an integer, got '" + limit + "'");
    }
  }

  /** Path-lookup filters: {@code {"type":"path_lookup","path":["metadata","k"],"value":v}}. */
  private static List<ObjectNode> filter(List<ObjectNode> rows, @Nullable JsonNode filters) {
    if (filters == null || !filters.isArray() || filters.isEmpty()) {
      return rows;
    }
    List<ObjectNode> out = new ArrayList<>();
    outer:
    for (ObjectNode r : rows) {
      for (JsonNode f : filters) {
        JsonNode at = r;
        for (JsonNode p : f.path("path")) {
          at = at.path(p.asText());
        }
        if (!at.equals(f.get("value"))) {
          continue outer;
        }
      }
      out.add(r);
    }
    return out;
  }
}

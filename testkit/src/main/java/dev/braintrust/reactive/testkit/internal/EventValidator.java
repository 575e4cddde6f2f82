package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks insert and feedback payloads against the InsertEvent/FeedbackItem shapes of the OpenAPI
 * spec. Returns the events, or throws a 400 {@link HttpError} naming the first bad field.
 */
public final class EventValidator {
  private EventValidator() {}

  /** The events of an insert body, each checked. */
  public static List<ObjectNode> events(JsonNode body) {
    JsonNode events = body.get("events");
    if (!body.isObject() || events == null || !events.isArray()) {
      throw HttpError.badRequest("request body must be a JSON object with an 'events' array");
    }
    List<ObjectNode> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      String at = "events[" + i + "]";
      JsonNode e = events.get(i);
      if (!e.isObject()) {
        throw HttpError.badRequest(at + " must be a JSON object");
      }
      if (e.has("id") && !(e.get("id").isTextual() && !e.get("id").asText().isEmpty())) {
        throw HttpError.badRequest(at + ".id must be a non-empty string");
      }
      for (String f : new String[] {"_is_merge", "_object_delete"}) {
        if (e.has(f) && !e.get(f).isBoolean()) {
          throw HttpError.badRequest(at + "." + f + " must be a boolean");
        }
      }
      mergePaths(at + "._merge_paths", e.get("_merge_paths"));
      parentId(at, e);
      scores(at, e.get("scores"));
      object(at + ".metadata", e.get("metadata"));
      object(at + ".span_attributes", e.get("span_attributes"));
      // The spec lets a metric be any JSON value (additionalProperties: true).
      object(at + ".metrics", e.get("metrics"));
      strings(at + ".span_parents", e.get("span_parents"));
      strings(at + ".tags", e.get("tags"));
      for (String f : new String[] {"span_id", "root_span_id", "created"}) {
        if (e.has(f) && !e.get(f).isTextual()) {
          throw HttpError.badRequest(at + "." + f + " must be a string");
        }
      }
      out.add((ObjectNode) e);
    }
    return out;
  }

  /** The items of a feedback body, each checked. */
  public static List<ObjectNode> feedback(JsonNode body) {
    JsonNode items = body.get("feedback");
    if (!body.isObject() || items == null || !items.isArray()) {
      throw HttpError.badRequest("request body must be a JSON object with a 'feedback' array");
    }
    List<ObjectNode> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      String at = "feedback[" + i + "]";
      JsonNode f = items.get(i);
      if (!f.isObject()) {
        throw HttpError.badRequest(at + " must be a JSON object");
      }
      if (!f.hasNonNull("id") || !f.get("id").isTextual() || f.get("id").asText().isEmpty()) {
        throw HttpError.badRequest(at + ".id is required and must be a non-empty string");
      }
      scores(at, f.get("scores"));
      object(at + ".metadata", f.get("metadata"));
      if (f.has("comment") && !f.get("comment").isTextual() && !f.get("comment").isNull()) {
        throw HttpError.badRequest(at + ".comment must be a string");
      }
      if (f.has("source")) {
        String s = f.get("source").asText();
        if (!s.equals("app") && !s.equals("api") && !s.equals("external")) {
          throw HttpError.badRequest(at + ".source must be one of app, api, external");
        }
      }
      out.add((ObjectNode) f);
    }
    return out;
  }

  private static void scores(String at, JsonNode scores) {
    if (scores == null || scores.isNull()) {
      return;
    }
    if (!scores.isObject()) {
      throw HttpError.badRequest(at + ".scores must be an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = scores.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> s = it.next();
      JsonNode v = s.getValue();
      if (v.isNull()) {
        continue;
      }
      if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) {
        throw HttpError.badRequest(
            at + ".scores." + s.getKey() + " must be a number between 0 and 1 or null");
      }
    }
  }

  /**
   * {@code _parent_id} is a non-empty string, and names the parent alone: it can't come with {@code
   * span_parents} or {@code root_span_id}, which it sets.
   */
  private static void parentId(String at, JsonNode e) {
    JsonNode p = e.get("_parent_id");
    if (p == null || p.isNull()) {
      return;
    }
    if (!p.isTextual() || p.asText().isEmpty()) {
      throw HttpError.badRequest(at + "._parent_id must be a non-empty string");
    }
    if (e.hasNonNull("span_parents") || e.hasNonNull("root_span_id")) {
      throw HttpError.badRequest(
          at + "._parent_id can't be combined with span_parents or root_span_id");
    }
  }

  private static void mergePaths(String at, JsonNode n) {
    if (n == null || n.isNull()) {
      return;
    }
    boolean ok = n.isArray();
    for (JsonNode path : n) {
      ok &= path.isArray() && !path.isEmpty();
      for (JsonNode key : path) {
        ok &= key.isTextual();
      }
    }
    if (!ok) {
      throw HttpError.badRequest(
          at + " must be an array of paths, each a non-empty array of strings");
    }
  }

  private static void object(String at, JsonNode n) {
    if (n != null && !n.isNull() && !n.isObject()) {
      throw HttpError.badRequest(at + " must be an object");
    }
  }

  private static void strings(String at, JsonNode n) {
    if (n == null || n.isNull()) {
      return;
    }
    if (!n.isArray()) {
      throw HttpError.badRequest(at + " must be an array of strings");
    }
    for (JsonNode x : n) {
      if (!x.isTextual()) {
        throw HttpError.badRequest(at + " must be an array of strings");
      }
    }
  }
}

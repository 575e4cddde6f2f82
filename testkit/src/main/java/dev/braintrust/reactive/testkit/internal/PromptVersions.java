package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Every revision of every prompt, by transaction id, as the real API keeps them: each create,
 * replace and patch is a new {@code _xact_id}, and {@code GET /v1/prompt?...&version=X} reads the
 * revision current at X. The spec has neither; the official SDKs load prompts by version this way.
 */
final class PromptVersions {
  private final Map<String, TreeMap<Long, ObjectNode>> revisions = new HashMap<>();
  private long xact = 1_000_000_000_000_000_000L;

  /** Records {@code prompt} as a new revision and returns it with its {@code _xact_id}. */
  synchronized ObjectNode record(ObjectNode prompt) {
    long id = ++xact;
    ObjectNode copy = prompt.deepCopy().put("_xact_id", Long.toString(id));
    revisions.computeIfAbsent(prompt.path("id").asText(), k -> new TreeMap<>()).put(id, copy);
    return copy.deepCopy();
  }

  /**
   * Records {@code prompt} unless it has revisions already (a create that got the existing one).
   */
  synchronized ObjectNode recordIfNew(ObjectNode prompt) {
    return revisions.containsKey(prompt.path("id").asText()) ? latest(prompt) : record(prompt);
  }

  /** {@code prompt} with the {@code _xact_id} of its latest revision. */
  synchronized ObjectNode latest(ObjectNode prompt) {
    TreeMap<Long, ObjectNode> r = revisions.get(prompt.path("id").asText());
    return r == null ? prompt : prompt.put("_xact_id", Long.toString(r.lastKey()));
  }

  /** The revision of {@code prompt} current at {@code version}, or null if it did not exist yet. */
  synchronized @Nullable ObjectNode at(ObjectNode prompt, String version) {
    long v;
    try {
      v = Long.parseLong(version);
    } catch (NumberFormatException e) {
      throw HttpError.badRequest("'version' must be a transaction id, got '" + version + "'");
    }
    TreeMap<Long, ObjectNode> r = revisions.get(prompt.path("id").asText());
    Map.Entry<Long, ObjectNode> e = r == null ? null : r.floorEntry(v);
    return e == null ? null : e.getValue().deepCopy();
  }

  /** A list reply's objects, each with its latest {@code _xact_id} or at {@code version}. */
  JsonNode versioned(JsonNode page, @Nullable String version) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode p : page.path("objects")) {
      ObjectNode prompt = (ObjectNode) p;
      ObjectNode shown = version == null ? latest(prompt) : at(prompt, version);
      if (shown != null) {
        out.add(shown);
      }
    }
    ObjectNode copy = ((ObjectNode) page).deepCopy();
    copy.set("objects", out);
    return copy;
  }
}

package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Folds the chunks of a {@code streamGenerateContent} response into one response of the same shape
 * as a whole one: per candidate, text parts arriving one after another (of the same kind, thought
 * or answer) are joined into one part, other parts (function calls, inline data, code) are kept in
 * order; a candidate's other fields ({@code finishReason}, safety ratings, ...) and the response's
 * ({@code usageMetadata}, {@code modelVersion}, {@code responseId}) take their latest value. It can
 * show the result at any point, so a stream closed half way still records what had arrived. Not
 * thread-safe; {@link StreamChunks} folds a stream's chunks with one when the row is written.
 */
final class StreamAssembler {
  private final ObjectNode response = GeminiRows.MAPPER.createObjectNode();
  private final TreeMap<Integer, Candidate> candidates = new TreeMap<>();

  /** One candidate being assembled. */
  private static final class Candidate {
    final ObjectNode fields = GeminiRows.MAPPER.createObjectNode();
    @Nullable String role;
    final List<ObjectNode> parts = new ArrayList<>();
    // The text of each text part, joined once at snapshot so a long answer costs linear time.
    final List<@Nullable StringBuilder> texts = new ArrayList<>();
  }

  /** Adds one chunk; returns whether it carried content (a part), for time to first token. */
  boolean add(JsonNode chunk) {
    boolean content = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = chunk.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getKey().equals("candidates")) {
        response.set(f.getKey(), f.getValue());
      }
    }
    JsonNode list = chunk.path("candidates");
    for (int i = 0; i < list.size(); i++) {
      JsonNode c = list.get(i);
      Candidate into = candidates.computeIfAbsent(c.path("index").asInt(i), k -> new Candidate());
      for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!f.getKey().equals("content")) {
          into.fields.set(f.getKey(), f.getValue());
        }
      }
      JsonNode contentNode = c.path("content");
      if (contentNode.path("role").isTextual()) {
        into.role = contentNode.get("role").asText();
      }
      for (JsonNode part : contentNode.path("parts")) {
        if (part.isObject() && !part.isEmpty()) {
          addPart(into, (ObjectNode) part);
          content = true;
        }
      }
    }
    return content;
  }

  private static void addPart(Candidate c, ObjectNode part) {
    int last = c.parts.size() - 1;
    if (part.path("text").isTextual() && last >= 0 && c.texts.get(last) != null) {
      ObjectNode previous = c.parts.get(last);
      if (previous.path("thought").asBoolean(false) == part.path("thought").asBoolean(false)) {
        c.texts.get(last).append(part.get("text").asText());
        // A signature or other field on a later piece belongs to the joined part.
        for (Iterator<Map.Entry<String, JsonNode>> it = part.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          if (!f.getKey().equals("text")) {
            previous.set(f.getKey(), f.getValue());
          }
        }
        return;
      }
    }
    ObjectNode copy = part.deepCopy();
    c.parts.add(copy);
    c.texts.add(
        part.path("text").isTextual() ? new StringBuilder(part.get("text").asText()) : null);
  }

  /** Whether nothing has arrived. */
  boolean isEmpty() {
    return response.isEmpty() && candidates.isEmpty();
  }

  /** The response as assembled so far, as a new tree. */
  ObjectNode snapshot() {
    ObjectNode out = GeminiRows.MAPPER.createObjectNode();
    if (!candidates.isEmpty()) {
      ArrayNode list = out.putArray("candidates");
      candidates.forEach(
          (index, c) -> {
            ObjectNode cand = list.addObject();
            ObjectNode content = cand.putObject("content");
            ArrayNode parts = content.putArray("parts");
            for (int i = 0; i < c.parts.size(); i++) {
              ObjectNode p = c.parts.get(i).deepCopy();
              StringBuilder text = c.texts.get(i);
              if (text != null) {
                p.put("text", text.toString());
              }
              parts.add(p);
            }
            content.put("role", c.role == null ? "model" : c.role);
            cand.setAll(c.fields);
          });
    }
    out.setAll(response);
    return out;
  }
}

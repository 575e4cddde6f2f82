package dev.braintrust.reactive.instrumentation.anthropic.internal;

import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Rebuilds the reply message from stream events, in the same JSON shape as a whole reply, and can
 * show it at any point: a stream closed half way still records what had arrived. (The SDK's {@code
 * MessageAccumulator} only yields a message after {@code message_stop}.) Not thread-safe; {@link
 * StreamRecorder} guards it.
 */
final class MessageAssembler {
  private @Nullable ObjectNode message;
  private final TreeMap<Integer, ObjectNode> blocks = new TreeMap<>();
  // Deltas are appended here and joined once, so a long reply costs linear time.
  private final Map<Integer, StringBuilder> texts = new HashMap<>();
  private final Map<Integer, StringBuilder> thinking = new HashMap<>();
  private final Map<Integer, StringBuilder> json = new HashMap<>();
  // Whether the last event added generated something: text, thinking or tool-call arguments.
  private boolean content;

  /** Adds one event and returns its type. */
  String add(RawMessageStreamEvent event) {
    content = false;
    JsonNode e = MessageRows.MAPPER.valueToTree(event);
    String type = e.path("type").asText();
    int index = e.path("index").asInt(-1);
    switch (type) {
      case "message_start" -> {
        if (e.path("message").isObject()) {
          message = (ObjectNode) e.get("message");
        }
      }
      case "content_block_start" -> {
        if (e.path("content_block").isObject()) {
          blocks.put(index, (ObjectNode) e.get("content_block"));
        }
      }
      case "content_block_delta" -> delta(index, e.path("delta"));
      case "message_delta" -> messageDelta(e);
      default -> {
        // content_block_stop, message_stop and unknown events change nothing.
      }
    }
    return type;
  }

  private void delta(int index, JsonNode delta) {
    ObjectNode block = blocks.get(index);
    if (block == null) {
      return;
    }
    switch (delta.path("type").asText()) {
      case "text_delta" -> append(texts, index, delta.path("text").asText());
      case "thinking_delta" -> append(thinking, index, delta.path("thinking").asText());
      case "input_json_delta" -> append(json, index, delta.path("partial_json").asText());
      case "citations_delta" -> {
        JsonNode citations = block.get("citations");
        ArrayNode list = citations instanceof ArrayNode a ? a : block.putArray("citations");
        list.add(delta.path("citation"));
      }
      case "signature_delta" -> block.set("signature", delta.get("signature"));
      default -> {
        // A delta kind newer than this code: the block keeps what it had.
      }
    }
  }

  private void append(Map<Integer, StringBuilder> parts, int index, String part) {
    parts.computeIfAbsent(index, i -> new StringBuilder()).append(part);
    content |= !part.isEmpty();
  }

  /**
   * Whether the last event added generated content (a non-empty text, thinking or arguments delta):
   * the guide's first content-bearing event, which a signature or an empty first delta is not.
   */
  boolean lastAddedContent() {
    return content;
  }

  private void messageDelta(JsonNode e) {
    ObjectNode msg = message();
    for (Iterator<Map.Entry<String, JsonNode>> it = e.path("delta").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      msg.set(f.getKey(), f.getValue());
    }
    // Delta usage values are running totals: they replace, and a missing one keeps the start's.
    JsonNode usage = e.path("usage");
    if (usage.isObject()) {
      ObjectNode into = msg.get("usage") instanceof ObjectNode u ? u : msg.putObject("usage");
      for (Iterator<Map.Entry<String, JsonNode>> it = usage.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!f.getValue().isNull()) {
          into.set(f.getKey(), f.getValue());
        }
      }
    }
  }

  private ObjectNode message() {
    if (message == null) {
      message =
          MessageRows.MAPPER.createObjectNode().put("type", "message").put("role", "assistant");
    }
    return message;
  }

  /** Whether any event arrived. */
  boolean isEmpty() {
    return message == null && blocks.isEmpty();
  }

  /** The message as assembled so far, as a new tree. */
  ObjectNode snapshot() {
    ObjectNode out = message().deepCopy();
    ArrayNode content = out.putArray("content");
    blocks.forEach(
        (index, block) -> {
          ObjectNode b = block.deepCopy();
          joinInto(b, "text", texts.get(index));
          joinInto(b, "thinking", thinking.get(index));
          StringBuilder args = json.get(index);
          if (args != null && args.length() > 0) {
            b.set("input", parse(args.toString()));
          }
          content.add(b);
        });
    return out;
  }

  private static void joinInto(ObjectNode block, String field, @Nullable StringBuilder more) {
    if (more != null) {
      block.put(field, block.path(field).asText("") + more);
    }
  }

  /** Tool arguments as JSON; cut short by a closed stream, they stay the text that arrived. */
  private static JsonNode parse(String args) {
    try {
      return MessageRows.MAPPER.readTree(args);
    } catch (JsonProcessingException e) {
      return MessageRows.MAPPER.getNodeFactory().textNode(args);
    }
  }
}

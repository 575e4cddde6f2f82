package dev.braintrust.reactive.instrumentation.bedrock.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Rebuilds the Converse reply a {@code ConverseStream} sent as events: text and reasoning deltas
 * appended per content block, a tool use's id and name from its {@code contentBlockStart} and its
 * input from the JSON fragments of its deltas, the stop reason from {@code messageStop} and the
 * usage from {@code metadata}. Not thread-safe: one stream's events arrive in order on one thread
 * at a time.
 */
final class StreamAssembler {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** One content block being assembled. */
  private static final class Block {
    final StringBuilder text = new StringBuilder();
    final StringBuilder reasoning = new StringBuilder();
    final StringBuilder toolInput = new StringBuilder();
    @Nullable String signature;
    @Nullable ObjectNode toolUse;
  }

  private final Map<Integer, Block> blocks = new TreeMap<>();
  private @Nullable String stopReason;
  private JsonNode usage = NODES.missingNode();
  private boolean started;

  /**
   * Folds in one event's JSON payload; true when the event carries generated content (text,
   * reasoning or a tool call), the moment time to first token measures.
   */
  boolean add(String eventType, byte[] payload) throws IOException {
    JsonNode event = ConverseRows.MAPPER.readTree(payload);
    switch (eventType) {
      case "messageStart" -> started = true;
      case "contentBlockStart" -> {
        JsonNode toolUse = event.path("start").path("toolUse");
        if (toolUse.isObject()) {
          block(event).toolUse = ((ObjectNode) toolUse).deepCopy();
          return true;
        }
      }
      case "contentBlockDelta" -> {
        Block b = block(event);
        JsonNode delta = event.path("delta");
        if (delta.has("text")) {
          b.text.append(delta.get("text").asText());
        } else if (delta.has("toolUse")) {
          b.toolInput.append(delta.path("toolUse").path("input").asText(""));
        } else if (delta.has("reasoningContent")) {
          JsonNode r = delta.get("reasoningContent");
          b.reasoning.append(r.path("text").asText(""));
          if (r.hasNonNull("signature")) {
            b.signature = r.get("signature").asText();
          }
        }
        return true;
      }
      case "messageStop" -> stopReason = event.path("stopReason").asText(null);
      case "metadata" -> usage = event.path("usage");
      default -> {}
    }
    return false;
  }

  boolean isEmpty() {
    return !started && blocks.isEmpty() && usage.isMissingNode();
  }

  JsonNode usage() {
    return usage;
  }

  /** The reply as Converse would have returned it: {@code {output: {message}, stopReason}}. */
  ObjectNode snapshot() {
    ObjectNode body = NODES.objectNode();
    ObjectNode message = body.putObject("output").putObject("message").put("role", "assistant");
    ArrayNode content = message.putArray("content");
    for (Block b : blocks.values()) {
      if (b.toolUse != null) {
        ObjectNode use = b.toolUse.deepCopy();
        use.set("input", input(b.toolInput.toString()));
        content.addObject().set("toolUse", use);
      } else if (b.reasoning.length() > 0) {
        ObjectNode text = NODES.objectNode().put("text", b.reasoning.toString());
        if (b.signature != null) {
          text.put("signature", b.signature);
        }
        content.addObject().putObject("reasoningContent").set("reasoningText", text);
      } else {
        content.addObject().put("text", b.text.toString());
      }
    }
    if (stopReason != null) {
      body.put("stopReason", stopReason);
    }
    body.set("usage", usage);
    return body;
  }

  /** The tool's input as JSON; kept as the raw string when the model produced malformed JSON. */
  private static JsonNode input(String raw) {
    if (raw.isEmpty()) {
      return NODES.objectNode();
    }
    try {
      return ConverseRows.MAPPER.readTree(raw);
    } catch (IOException e) {
      return NODES.textNode(raw);
    }
  }

  private Block block(JsonNode event) {
    return blocks.computeIfAbsent(event.path("contentBlockIndex").asInt(0), i -> new Block());
  }
}

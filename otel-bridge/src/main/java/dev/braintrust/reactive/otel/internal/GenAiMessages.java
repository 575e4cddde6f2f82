package dev.braintrust.reactive.otel.internal;

import static dev.braintrust.reactive.otel.internal.AttrValues.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.attachment.AttachmentConverter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The OTel GenAI message schema ({@code [{"role", "parts": [{"type": "text", "content"}, ...]}]})
 * in the shape Braintrust shows for an {@code llm} span, OpenAI's chat format: input as messages
 * ({@code role}, {@code content}, {@code tool_calls}, {@code tool_call_id}), output as choices
 * ({@code index}, {@code message}, {@code finish_reason}). Text parts join into a string content;
 * tool calls become {@code tool_calls}, tool results {@code tool} messages, images and files
 * content parts. Messages already in the chat format pass through.
 */
final class GenAiMessages {
  private GenAiMessages() {}

  /** Input messages (a JSON array, or anything else, which is kept as it is). */
  static JsonNode input(JsonNode messages) {
    if (!messages.isArray()) {
      return messages;
    }
    ArrayNode out = NODES.arrayNode();
    for (JsonNode m : messages) {
      out.addAll(convert(m, null));
    }
    return out;
  }

  /** Output messages as choices. */
  static JsonNode choices(JsonNode messages) {
    if (!messages.isArray()) {
      return messages;
    }
    ArrayNode out = NODES.arrayNode();
    int i = 0;
    for (JsonNode m : messages) {
      ObjectNode choice = out.addObject();
      choice.put("index", i++);
      List<ObjectNode> converted = convert(m, "assistant");
      choice.set("message", converted.isEmpty() ? NODES.objectNode() : converted.get(0));
      JsonNode finish = m.get("finish_reason");
      if (finish != null && !finish.isNull()) {
        // The GenAI enum says tool_call where OpenAI's chat format, which the choices follow,
        // says tool_calls.
        choice.set(
            "finish_reason",
            finish.asText().equals("tool_call") ? NODES.textNode("tool_calls") : finish);
      }
    }
    return out;
  }

  /** System instructions ({@code [{"type": "text", "content"}]}) as one system message. */
  static ObjectNode system(JsonNode instructions) {
    ObjectNode parts = NODES.objectNode();
    parts.put("role", "system");
    if (instructions.isArray()) {
      parts.set("parts", instructions);
    } else {
      parts.set("content", instructions);
    }
    return convert(parts, "system").get(0);
  }

  /**
   * One message as chat messages: itself, or several when it carries tool results (each is a {@code
   * tool} message of its own in the chat format).
   */
  private static List<ObjectNode> convert(JsonNode m, @Nullable String defaultRole) {
    List<ObjectNode> out = new ArrayList<>();
    if (!m.isObject()) {
      ObjectNode wrapped = NODES.objectNode();
      wrapped.put("role", defaultRole == null ? "user" : defaultRole);
      wrapped.set("content", m);
      out.add(wrapped);
      return out;
    }
    JsonNode parts = m.get("parts");
    if (parts == null || !parts.isArray()) {
      ObjectNode copy = ((ObjectNode) m).deepCopy();
      copy.remove("finish_reason");
      if (!copy.has("role") && defaultRole != null) {
        copy.put("role", defaultRole);
      }
      out.add(copy);
      return out;
    }
    String role = m.path("role").asText(defaultRole == null ? "user" : defaultRole);
    ObjectNode msg = NODES.objectNode();
    msg.put("role", role);
    if (m.hasNonNull("name")) {
      msg.set("name", m.get("name"));
    }
    StringBuilder text = new StringBuilder();
    ArrayNode content = NODES.arrayNode();
    boolean onlyText = true;
    ArrayNode toolCalls = NODES.arrayNode();
    StringBuilder reasoning = new StringBuilder();
    for (JsonNode p : parts) {
      String type = p.path("type").asText("");
      switch (type) {
        case "text":
          text.append(AttrValues.text(p.get("content")));
          content.addObject().put("type", "text").put("text", AttrValues.text(p.get("content")));
          break;
        case "tool_call":
          ObjectNode call = toolCalls.addObject();
          if (p.hasNonNull("id")) {
            call.set("id", p.get("id"));
          }
          call.put("type", "function");
          ObjectNode fn = call.putObject("function");
          fn.put("name", p.path("name").asText(""));
          fn.put("arguments", AttrValues.text(p.get("arguments")));
          break;
        case "tool_call_response":
          ObjectNode result = NODES.objectNode();
          result.put("role", "tool");
          if (p.hasNonNull("id")) {
            result.set("tool_call_id", p.get("id"));
          }
          result.put("content", AttrValues.text(p.get("response")));
          out.add(result);
          break;
        case "reasoning":
          reasoning.append(AttrValues.text(p.get("content")));
          break;
        default:
          onlyText = false;
          content.add(media(p));
          break;
      }
    }
    boolean hasContent = content.size() > 0;
    if (hasContent) {
      msg.set("content", onlyText ? NODES.textNode(text.toString()) : content);
    } else if (toolCalls.isEmpty() && !out.isEmpty()) {
      // Only tool results: they are the messages.
      return out;
    } else {
      msg.putNull("content");
    }
    if (!toolCalls.isEmpty()) {
      msg.set("tool_calls", toolCalls);
    }
    if (reasoning.length() > 0) {
      msg.put("reasoning", reasoning.toString());
    }
    out.add(0, msg);
    return out;
  }

  /**
   * An image as OpenAI's {@code image_url} part, another blob with a MIME type as its {@code file}
   * part; other media and unknown parts as they are.
   */
  private static JsonNode media(JsonNode p) {
    String type = p.path("type").asText("");
    String modality = p.path("modality").asText("");
    String mime = p.path("mime_type").asText("");
    boolean image = modality.equals("image") || mime.startsWith("image/");
    if (image && type.equals("uri") && p.hasNonNull("uri")) {
      ObjectNode out = NODES.objectNode().put("type", "image_url");
      out.putObject("image_url").put("url", p.get("uri").asText());
      return out;
    }
    if (image && type.equals("blob") && p.hasNonNull("content")) {
      ObjectNode out = NODES.objectNode().put("type", "image_url");
      String m = mime.isEmpty() ? "image/*" : mime;
      out.putObject("image_url").put("url", "data:" + m + ";base64," + p.get("content").asText());
      return out;
    }
    if (type.equals("blob") && !mime.isEmpty() && p.path("content").isTextual()) {
      // Documents and audio as OpenAI's file part, whose data URI becomes an attachment.
      ObjectNode out = NODES.objectNode().put("type", "file");
      // The file name the attachment gets (derived from the MIME type: the part names none).
      out.putObject("file")
          .put("filename", AttachmentConverter.filenameFor(mime))
          .put("file_data", "data:" + mime + ";base64," + p.get("content").asText());
      return out;
    }
    return p;
  }
}

package dev.braintrust.reactive.core.attachment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.braintrust.reactive.core.internal.BraintrustEnv;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns the inline media of LLM requests and responses into {@link Attachment}s, as the
 * instrumentation spec asks, so megabytes of base64 leave the row for object storage. The wrappers
 * call it on what they log; call it on your own provider JSON the same way.
 *
 * <p>Each vendor format is one entry of {@link #FORMATS}: OpenAI data URIs (a text value that is
 * entirely {@code data:<mime>;base64,<data>}, as in {@code image_url.url}, {@code file.file_data}
 * and the Responses API's {@code input_image}/{@code input_file}), OpenAI {@code input_audio}
 * ({@code {data, format}}: the data leaf is replaced, the format kept) and Anthropic base64 sources
 * ({@code {"type": "base64", "media_type", "data"}}, replaced whole). Plain http(s) URLs, data URIs
 * inside longer text and short strings stay as they are. Setting {@code
 * BRAINTRUST_AUTO_CONVERT_AI_ATTACHMENTS=false} turns the wrappers' conversion off.
 */
public final class AttachmentConverter {
  /** Deeper nesting is left unchanged, so pathological input cannot exhaust the stack. */
  static final int MAX_DEPTH = 128;

  // Shorter base64 is left inline: it is no burden and may be something else that looks alike.
  private static final int MIN_BASE64 = 20;

  private static final Map<String, String> EXTENSIONS =
      Map.ofEntries(
          Map.entry("image/jpeg", "jpg"),
          Map.entry("image/svg+xml", "svg"),
          Map.entry("audio/mpeg", "mp3"),
          Map.entry("audio/x-wav", "wav"),
          Map.entry("text/plain", "txt"),
          Map.entry("application/octet-stream", "bin"));

  /** One vendor format: where it matches, and what replaces the matched node. */
  private interface Format {
    /** The replacement of {@code node} (the value of {@code field} in {@code parent}), or null. */
    @Nullable JsonNode replace(@Nullable String field, JsonNode node, @Nullable JsonNode parent);
  }

  private static final List<Format> FORMATS =
      List.of(
          AttachmentConverter::anthropicSource,
          AttachmentConverter::openAiAudio,
          AttachmentConverter::dataUri);

  private AttachmentConverter() {}

  /**
   * Whether the wrappers convert ({@code BRAINTRUST_AUTO_CONVERT_AI_ATTACHMENTS}, default true).
   *
   * @return whether automatic conversion is on
   */
  public static boolean enabled() {
    String v = BraintrustEnv.system().get("BRAINTRUST_AUTO_CONVERT_AI_ATTACHMENTS");
    return v == null || !v.trim().equalsIgnoreCase("false");
  }

  /**
   * {@code tree} with its inline media replaced by attachments: a converted copy, or {@code tree}
   * itself when it holds none (it is never changed).
   *
   * @param tree provider JSON, e.g. a request's messages
   * @return the converted copy, or {@code tree}
   */
  public static JsonNode convert(JsonNode tree) {
    if (!hasMedia(tree, 0)) {
      return tree;
    }
    JsonNode copy = tree.deepCopy();
    JsonNode whole = match(null, copy, null);
    if (whole != null) {
      return whole;
    }
    return walk(copy, 0) ? copy : tree;
  }

  /**
   * The file name an attachment of this MIME type gets: {@code attachment.<ext>}.
   *
   * @param contentType a MIME type, e.g. {@code application/pdf}
   * @return e.g. {@code attachment.pdf}
   */
  public static String filenameFor(String contentType) {
    String ct = contentType.toLowerCase(Locale.ROOT);
    int semi = ct.indexOf(';');
    if (semi >= 0) {
      ct = ct.substring(0, semi).trim();
    }
    String ext = EXTENSIONS.get(ct);
    if (ext == null) {
      int slash = ct.indexOf('/');
      ext = slash < 0 ? "" : ct.substring(slash + 1).replaceAll("[^a-z0-9]", "");
      if (ext.isEmpty()) {
        ext = "bin";
      }
    }
    return "attachment." + ext;
  }

  /** Replaces matches in place; whether there were any. */
  private static boolean walk(JsonNode node, int depth) {
    if (depth >= MAX_DEPTH) {
      return false;
    }
    boolean changed = false;
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode r = match(f.getKey(), f.getValue(), o);
        if (r != null) {
          f.setValue(r);
          changed = true;
        } else {
          changed |= walk(f.getValue(), depth + 1);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        JsonNode r = match(null, a.get(i), a);
        if (r != null) {
          a.set(i, r);
          changed = true;
        } else {
          changed |= walk(a.get(i), depth + 1);
        }
      }
    }
    return changed;
  }

  private static @Nullable JsonNode match(
      @Nullable String field, JsonNode node, @Nullable JsonNode parent) {
    for (Format f : FORMATS) {
      JsonNode r = f.replace(field, node, parent);
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  // A cheap pass first: most rows carry no media and are not copied at all.
  private static boolean hasMedia(JsonNode node, int depth) {
    if (depth >= MAX_DEPTH) {
      return false;
    }
    if (node.isTextual()) {
      String s = node.textValue();
      return s.length() > MIN_BASE64 && (s.startsWith("data:") || s.startsWith(" data:"));
    }
    if (node.isObject() && node.has("data") && node.path("data").isTextual()) {
      return true;
    }
    for (JsonNode child : node) {
      if (hasMedia(child, depth + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Anthropic: {@code source: {type: base64, media_type, data}}, replaced whole. */
  private static @Nullable JsonNode anthropicSource(
      @Nullable String field, JsonNode node, @Nullable JsonNode parent) {
    if (!node.isObject()
        || !"base64".equals(node.path("type").asText())
        || !node.path("media_type").isTextual()
        || !isBase64(node.path("data").asText(""))) {
      return null;
    }
    String ct = node.get("media_type").asText();
    return pojo(Attachment.inline(node.get("data").asText(), ct, filenameFor(ct), node));
  }

  /** OpenAI: {@code input_audio: {data, format}}; the data leaf is replaced, the format kept. */
  private static @Nullable JsonNode openAiAudio(
      @Nullable String field, JsonNode node, @Nullable JsonNode parent) {
    if (!"input_audio".equals(field)
        || !(node instanceof ObjectNode o)
        || !o.path("format").isTextual()
        || !isBase64(o.path("data").asText(""))) {
      return null;
    }
    String format = o.get("format").asText().toLowerCase(Locale.ROOT);
    String ct = "audio/" + (format.equals("mp3") ? "mpeg" : format);
    ObjectNode copy = o.deepCopy();
    copy.set(
        "data",
        pojo(Attachment.inline(o.get("data").asText(), ct, "attachment." + format, o.get("data"))));
    return copy;
  }

  /** OpenAI: a text value that is entirely a base64 data URI (a URL, file data, an image). */
  private static @Nullable JsonNode dataUri(
      @Nullable String field, JsonNode node, @Nullable JsonNode parent) {
    if (!node.isTextual()) {
      return null;
    }
    String s = node.textValue().trim();
    int comma = s.indexOf(',');
    if (!s.startsWith("data:") || comma < 0) {
      return null;
    }
    String header = s.substring(5, comma);
    if (!header.endsWith(";base64")) {
      return null;
    }
    String data = s.substring(comma + 1);
    if (!isBase64(data)) {
      return null;
    }
    int semi = header.indexOf(';');
    String ct = header.substring(0, semi);
    if (ct.isEmpty() || ct.indexOf(' ') >= 0 || ct.indexOf('"') >= 0) {
      return null;
    }
    String filename = filenameFor(ct);
    if (parent != null && parent.path("filename").isTextual()) {
      String given = parent.get("filename").asText();
      if (!given.isBlank()) {
        filename = given;
      }
    }
    return pojo(Attachment.inline(data, ct, filename, node));
  }

  // Long enough and nothing but base64: a data URI inside prose has spaces or quotes.
  private static boolean isBase64(String s) {
    if (s.length() < MIN_BASE64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/'
              || c == '='
              || c == '\n'
              || c == '\r';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode pojo(Attachment a) {
    return new POJONode(a);
  }
}

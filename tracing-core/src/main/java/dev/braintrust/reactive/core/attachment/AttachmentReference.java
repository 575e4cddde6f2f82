package dev.braintrust.reactive.core.attachment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an attachment is written as in a row, and what {@code fetch} and BTQL results carry in its
 * place: {@code {"type": "braintrust_attachment", "key", "filename", "content_type"}} for content
 * uploaded to Braintrust, {@code {"type": "external_attachment", "url", "filename",
 * "content_type"}} for content stored elsewhere.
 *
 * @param type {@value #BRAINTRUST} or {@value #EXTERNAL}
 * @param key the object key of an uploaded attachment, or null for an external one
 * @param url the URL of an external attachment, or null for an uploaded one
 * @param filename the file name shown in the UI
 * @param contentType the MIME type
 */
public record AttachmentReference(
    String type, @Nullable String key, @Nullable String url, String filename, String contentType) {
  /** The type of content uploaded to Braintrust. */
  public static final String BRAINTRUST = "braintrust_attachment";

  /** The type of content stored at an external URL. */
  public static final String EXTERNAL = "external_attachment";

  /** Checks the fields: a key for an uploaded attachment, a URL for an external one. */
  public AttachmentReference {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(filename, "filename");
    Objects.requireNonNull(contentType, "contentType");
    if (type.equals(BRAINTRUST) ? key == null : !type.equals(EXTERNAL) || url == null) {
      throw new IllegalArgumentException(
          "an attachment reference needs type "
              + BRAINTRUST
              + " with a key or "
              + EXTERNAL
              + " with a url, got type '"
              + type
              + "'");
    }
  }

  /**
   * The reference {@code node} is, or null if it is not one.
   *
   * @param node a value of a row
   * @return the reference, or null
   */
  public static @Nullable AttachmentReference from(@Nullable JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    String type = node.path("type").asText("");
    String filename = node.path("filename").asText(null);
    String contentType = node.path("content_type").asText(null);
    if (filename == null || contentType == null) {
      return null;
    }
    if (type.equals(BRAINTRUST) && node.path("key").isTextual()) {
      return new AttachmentReference(type, node.get("key").asText(), null, filename, contentType);
    }
    if (type.equals(EXTERNAL) && node.path("url").isTextual()) {
      return new AttachmentReference(type, null, node.get("url").asText(), filename, contentType);
    }
    return null;
  }

  /**
   * Every reference in {@code row} (a fetched row or a BTQL result), depth first.
   *
   * @param row the row
   * @return its references, in document order
   */
  public static List<AttachmentReference> findAll(JsonNode row) {
    List<AttachmentReference> out = new ArrayList<>();
    collect(row, out, 0);
    return out;
  }

  private static void collect(JsonNode node, List<AttachmentReference> out, int depth) {
    if (depth > AttachmentConverter.MAX_DEPTH) {
      return;
    }
    AttachmentReference ref = from(node);
    if (ref != null) {
      out.add(ref);
      return;
    }
    for (JsonNode child : node) {
      collect(child, out, depth + 1);
    }
  }

  /**
   * The JSON object this reference is written as.
   *
   * @return its fields in the row's order
   */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("type", type);
    if (key != null) {
      m.put("key", key);
    }
    if (url != null) {
      m.put("url", url);
    }
    m.put("filename", filename);
    m.put("content_type", contentType);
    return m;
  }
}

package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentConverter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The inline media of a {@code generateContent} request: parts of its contents (and system
 * instruction) holding {@code inlineData} ({@code inline_data} in the REST API's snake case), a
 * {@code mimeType} and base64 {@code data}. Each becomes an {@link Attachment} of that base64,
 * decoded only when uploaded; the row then shows the part, per the instrumentation spec, with its
 * {@code inlineData} replaced by {@code image_url: {url: <reference>}} for an image and {@code
 * file: {file_data: <reference>}} for anything else (PDF, audio, video...). A part naming a file by
 * URI ({@code fileData}) is not inline and stays as it is.
 *
 * <p>The caller's thread only finds the media, walking the contents down to their parts' member
 * names in the pass {@link WireScan} makes over the request anyway (a text-only request pays a few
 * name comparisons per part), and makes an attachment per medium of its base64 text, neither
 * decoded nor parsed into a tree; the row's parts are replaced when it is written ({@link
 * #rewrite}), after the exporter held the row until the uploads settled, so each part can be
 * written as its reference if uploaded, else as it was sent (a failed upload, a full byte budget, a
 * transport that cannot upload).
 */
final class InlineMedia {
  /** The {@link Found#content()} of a part of the system instruction. */
  static final int SYSTEM = -1;

  /**
   * One inline medium: part {@code part} of content {@code content} (or of the system instruction),
   * whose member {@code member} holds it.
   */
  record Found(int content, int part, String member, Attachment attachment) {}

  private InlineMedia() {}

  /**
   * Adds the media of the {@code contents} array under the cursor to {@code found} (allocated on
   * the first one) and returns it; the cursor ends past the array.
   */
  static @Nullable List<Found> contents(JsonScan s, @Nullable List<Found> found)
      throws IOException {
    s.enterArray();
    for (int i = 0; s.nextElement(); i++) {
      if (s.valueStart() == '{') {
        found = content(s, i, found);
      } else {
        s.skipValue();
      }
    }
    return found;
  }

  /** As {@link #contents}, for the content object under the cursor, content {@code index}. */
  static @Nullable List<Found> content(JsonScan s, int index, @Nullable List<Found> found)
      throws IOException {
    s.enterObject();
    for (int name = s.nextMember(); name >= 0; name = s.nextMember()) {
      if (s.nameIs(name, "parts") && s.valueStart() == '[') {
        s.enterArray();
        for (int part = 0; s.nextElement(); part++) {
          if (s.valueStart() == '{') {
            found = part(s, index, part, found);
          } else {
            s.skipValue();
          }
        }
      } else {
        s.skipValue();
      }
    }
    return found;
  }

  private static @Nullable List<Found> part(
      JsonScan s, int content, int part, @Nullable List<Found> found) throws IOException {
    @Nullable Found medium = null;
    s.enterObject();
    for (int name = s.nextMember(); name >= 0; name = s.nextMember()) {
      // Only an object can be a blob: a text part's names are not even compared.
      String member =
          s.valueStart() != '{'
              ? null
              : s.nameIs(name, "inlineData")
                  ? "inlineData"
                  : s.nameIs(name, "inline_data") ? "inline_data" : null;
      if (member != null && AttachmentConverter.enabled()) {
        Attachment a = blob(s);
        // A name given twice is read as its last value, as the row's parser will read it.
        medium = a == null ? null : new Found(content, part, member, a);
      } else {
        s.skipValue();
      }
    }
    if (medium == null) {
      return found;
    }
    List<Found> out = found == null ? new ArrayList<>(4) : found;
    out.add(medium);
    return out;
  }

  /** The attachment of the blob object under the cursor, or null if it holds no media. */
  private static @Nullable Attachment blob(JsonScan s) throws IOException {
    @Nullable String mimeType = null;
    @Nullable String data = null;
    s.enterObject();
    for (int name = s.nextMember(); name >= 0; name = s.nextMember()) {
      if (s.nameIs(name, "mimeType") || s.nameIs(name, "mime_type")) {
        mimeType = s.string();
      } else if (s.nameIs(name, "data")) {
        data = s.string();
      } else {
        s.skipValue();
      }
    }
    if (mimeType == null || mimeType.isBlank() || data == null || data.isEmpty()) {
      return null;
    }
    // The base64 as sent: decoded on an upload thread, never on the caller's.
    return Attachment.ofBase64(data, mimeType.strip());
  }

  /**
   * {@code input} ({@code {model, contents, systemInstruction}}, freshly parsed) with each part
   * holding a found medium replaced by one written as its reference or as sent ({@link
   * MediaJson#part}). Runs when the row is written; a part not where the scan found it is left
   * alone.
   */
  static JsonNode rewrite(JsonNode input, List<Found> found) {
    for (Found f : found) {
      JsonNode content =
          f.content() == SYSTEM
              ? input.path("systemInstruction")
              : input.path("contents").path(f.content());
      if (!(content.path("parts") instanceof ArrayNode parts)
          || !(parts.path(f.part()) instanceof ObjectNode part)
          || !part.path(f.member()).isObject()) {
        continue;
      }
      boolean image = isImage(f.attachment().reference().contentType());
      parts.set(f.part(), MediaJson.part(f.attachment(), part, f.member(), image));
    }
    return input;
  }

  private static boolean isImage(String mimeType) {
    return mimeType.regionMatches(true, 0, "image/", 0, 6);
  }
}

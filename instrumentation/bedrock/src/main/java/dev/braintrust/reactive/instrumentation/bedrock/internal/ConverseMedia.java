package dev.braintrust.reactive.instrumentation.bedrock.internal;

import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentConverter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * The raw bytes a Converse request carries in its content blocks ({@code image}, {@code document},
 * {@code video} and {@code audio} blocks whose {@code source} is {@code bytes}, also inside tool
 * results and guardrail blocks), each as an {@link Attachment} of those very bytes: the content
 * type from the block's {@code format} ({@code png} is {@code image/png}, {@code pdf} {@code
 * application/pdf}), the file name from the format (a document's from its {@code name}). Sources in
 * S3 ({@code s3Location}) and a document's {@code text} or {@code content} are not bytes and stay
 * as they are.
 *
 * <p>This runs on the caller's thread, because the exporter finds a row's attachments when the span
 * ends; so it only walks the blocks' members that can hold media and makes a handle per byte source
 * (neither copying nor encoding the bytes). The row's JSON, with each source written as its
 * reference or, if it was not uploaded, as the original base64, is built later by {@link SdkJson}.
 */
final class ConverseMedia {
  private static final Map<String, String> IMAGE =
      Map.of("png", "image/png", "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp");

  private static final Map<String, String> DOCUMENT =
      Map.of(
          "pdf", "application/pdf",
          "csv", "text/csv",
          "doc", "application/msword",
          "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "xls", "application/vnd.ms-excel",
          "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "html", "text/html",
          "txt", "text/plain",
          "md", "text/markdown");

  private static final Map<String, String> VIDEO =
      Map.of(
          "mkv", "video/x-matroska",
          "mov", "video/quicktime",
          "mp4", "video/mp4",
          "webm", "video/webm",
          "flv", "video/x-flv",
          "mpeg", "video/mpeg",
          "mpg", "video/mpeg",
          "wmv", "video/x-ms-wmv",
          "three_gp", "video/3gpp");

  private static final Map<String, String> AUDIO =
      Map.ofEntries(
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("mpeg", "audio/mpeg"),
          Map.entry("mpga", "audio/mpeg"),
          Map.entry("opus", "audio/opus"),
          Map.entry("wav", "audio/wav"),
          Map.entry("aac", "audio/aac"),
          Map.entry("x-aac", "audio/aac"),
          Map.entry("flac", "audio/flac"),
          Map.entry("mp4", "audio/mp4"),
          Map.entry("m4a", "audio/mp4"),
          Map.entry("ogg", "audio/ogg"),
          Map.entry("mkv", "audio/x-matroska"),
          Map.entry("mka", "audio/x-matroska"),
          Map.entry("pcm", "audio/pcm"),
          Map.entry("webm", "audio/webm"));

  /** Block members holding media, by wire name, and their formats' content types. */
  private static final Map<String, Map<String, String>> KINDS =
      Map.of("image", IMAGE, "document", DOCUMENT, "video", VIDEO, "audio", AUDIO);

  /** Block members that hold further blocks: a tool result's, a guardrail block. */
  private static final Set<String> NESTED = Set.of("toolResult", "guardContent", "content");

  // A message, its blocks, a tool result and its blocks are five levels; deeper is not looked at.
  private static final int MAX_DEPTH = 8;

  /**
   * Per model class, only the members worth reading: a text block is then a few getter calls, not
   * one per member of the union. A handful of classes, filled on first sight.
   */
  private static final ConcurrentMap<Class<?>, List<SdkField<?>>> RELEVANT =
      new ConcurrentHashMap<>();

  private ConverseMedia() {}

  /**
   * The byte sources of a request's messages and system blocks, each with its attachment; empty
   * when there are none or conversion is off.
   */
  static Map<SdkBytes, Attachment> find(List<?> messages, List<?> system) {
    // Indexed loops: a text-only request, the common case, allocates nothing here.
    Map<SdkBytes, Attachment> found = scan(messages, 0, null);
    found = scan(system, 0, found);
    if (found == null || !AttachmentConverter.enabled()) {
      return Map.of();
    }
    return found;
  }

  private static @Nullable Map<SdkBytes, Attachment> scan(
      @Nullable Object v, int depth, @Nullable Map<SdkBytes, Attachment> found) {
    if (depth > MAX_DEPTH) {
      return found;
    }
    if (v instanceof List<?> list) {
      if (list.isEmpty()) {
        return found;
      }
      if (list instanceof RandomAccess) {
        for (int i = 0, n = list.size(); i < n; i++) {
          found = scan(list.get(i), depth + 1, found);
        }
      } else {
        for (Object e : list) {
          found = scan(e, depth + 1, found);
        }
      }
      return found;
    }
    if (!(v instanceof SdkPojo pojo)) {
      return found;
    }
    List<SdkField<?>> fields = relevant(pojo);
    for (int i = 0, n = fields.size(); i < n; i++) {
      SdkField<?> f = fields.get(i);
      Object value = f.getValueOrDefault(pojo);
      if (value == null) {
        continue;
      }
      Map<String, String> kind = KINDS.get(f.locationName());
      if (kind == null) {
        found = scan(value, depth + 1, found);
      } else if (value instanceof SdkPojo media) {
        found = media(f.locationName(), kind, media, found);
      }
    }
    return found;
  }

  private static @Nullable Map<SdkBytes, Attachment> media(
      String kindName,
      Map<String, String> kind,
      SdkPojo media,
      @Nullable Map<SdkBytes, Attachment> found) {
    Object source = member(media, "source");
    Object bytes = source instanceof SdkPojo s ? member(s, "bytes") : null;
    if (!(bytes instanceof SdkBytes b) || b.asByteBuffer().remaining() == 0) {
      return found;
    }
    Object formatValue = member(media, "format");
    String format =
        formatValue instanceof String s && !s.isBlank() ? s.toLowerCase(Locale.ROOT) : "bin";
    String contentType = kind.get(format);
    if (contentType == null) {
      // A format newer than this table: still kept out of the row, typed by its kind.
      contentType =
          kindName.equals("document") ? "application/octet-stream" : kindName + "/" + format;
    }
    String extension = format.equals("three_gp") ? "3gp" : format;
    Object name = member(media, "name");
    String stem = name instanceof String s && !s.isBlank() ? s.strip() : "attachment";
    Map<SdkBytes, Attachment> out = found == null ? new IdentityHashMap<>() : found;
    // The SDK's own array (the request is immutable): nothing is copied on the caller's thread.
    out.put(b, Attachment.of(b.asByteArrayUnsafe(), contentType, stem + "." + extension));
    return out;
  }

  private static @Nullable Object member(SdkPojo pojo, String name) {
    for (SdkField<?> f : pojo.sdkFields()) {
      if (f.locationName().equals(name)) {
        return f.getValueOrDefault(pojo);
      }
    }
    return null;
  }

  private static List<SdkField<?>> relevant(SdkPojo pojo) {
    List<SdkField<?>> fields = RELEVANT.get(pojo.getClass());
    if (fields == null) {
      fields =
          pojo.sdkFields().stream()
              .filter(f -> KINDS.containsKey(f.locationName()) || NESTED.contains(f.locationName()))
              .toList();
      RELEVANT.putIfAbsent(pojo.getClass(), fields);
    }
    return fields;
  }
}

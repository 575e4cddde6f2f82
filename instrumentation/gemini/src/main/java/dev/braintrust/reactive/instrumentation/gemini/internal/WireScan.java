package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the few fields of a request or response the caller's thread must record at once (the
 * generation settings and tools of a request, and where its inline media are; the token counts and
 * answering model of a response) with a {@link JsonScan} that steps over everything else, the text
 * of contents and candidates included, without decoding it; those are kept as text and become trees
 * when the row is written (see {@link LazyJson}). Scanning to the end of the object also checks its
 * structure, so text cut short is refused here as a full parse would refuse it.
 */
final class WireScan {
  private WireScan() {}

  /**
   * Adds a request's allowlisted settings, {@code response_format}, tools and tool choice to {@code
   * log}, and returns the inline media of its contents and system instruction (see {@link
   * InlineMedia}); {@code body} is a {@code String} or UTF-8 {@code byte[]}. The contents are
   * walked down to their parts' member names in the same pass (a text part is a name and a skipped
   * string), which costs what stepping over them whole did.
   *
   * @throws IOException if the body is not a JSON object
   */
  static List<InlineMedia.Found> request(Object body, Log.Builder log) throws IOException {
    @Nullable JsonNode tools = null;
    @Nullable JsonNode toolConfig = null;
    @Nullable List<InlineMedia.Found> media = null;
    JsonScan s = JsonScan.of(body);
    s.enterObject();
    for (int name = s.nextMember(); name >= 0; name = s.nextMember()) {
      if (s.nameIs(name, "generationConfig") && s.valueStart() == '{') {
        config(s, log);
      } else if (s.nameIs(name, "tools")) {
        tools = s.tree();
      } else if (s.nameIs(name, "toolConfig")) {
        toolConfig = s.tree();
      } else if (s.nameIs(name, "contents") && s.valueStart() == '[') {
        media = InlineMedia.contents(s, media);
      } else if (s.nameIs(name, "systemInstruction") && s.valueStart() == '{') {
        media = InlineMedia.content(s, InlineMedia.SYSTEM, media);
      } else {
        s.skipValue();
      }
    }
    if (tools != null || toolConfig != null) {
      GeminiTools.record(log, tools, toolConfig);
    }
    // Null unless conversion is on (BRAINTRUST_AUTO_CONVERT_AI_ATTACHMENTS) and media were found.
    return media == null ? List.of() : media;
  }

  /** The settings of the {@code generationConfig} object under the cursor. */
  private static void config(JsonScan s, Log.Builder log) throws IOException {
    @Nullable JsonNode schema = null;
    @Nullable JsonNode legacySchema = null;
    @Nullable String mimeType = null;
    s.enterObject();
    for (int name = s.nextMember(); name >= 0; name = s.nextMember()) {
      String key = setting(s, name);
      if (key != null) {
        if (s.isNull()) {
          s.skipValue();
        } else {
          log.metadata(key, s.scalar());
        }
      } else if (s.nameIs(name, "responseJsonSchema")) {
        schema = s.tree();
      } else if (s.nameIs(name, "responseSchema")) {
        legacySchema = s.tree();
      } else if (s.nameIs(name, "responseMimeType")) {
        mimeType = s.string();
      } else {
        s.skipValue();
      }
    }
    ObjectNode format =
        GeminiRows.responseFormat(
            schema != null && !schema.isNull() ? schema : legacySchema, mimeType);
    if (format != null) {
      log.metadata("response_format", format);
    }
  }

  /** The metadata name of the allowlisted setting named at {@code name}, or null. */
  private static @Nullable String setting(JsonScan s, int name) {
    for (int i = 0; i < GeminiRows.SETTINGS.length; i += 2) {
      if (s.nameIs(name, GeminiRows.SETTINGS[i])) {
        return GeminiRows.SETTINGS[i + 1];
      }
    }
    return null;
  }

  /**
   * Adds the metrics and answering model of a whole {@code generateContent} response to {@code
   * log}, its output the response itself, parsed when written; false, adding nothing, if the bytes
   * are not a JSON object (the SDK tells the caller so; the span records no output). The first
   * {@code size} bytes of {@code body} are the response; the array is kept, not copied. {@code
   * requestModel} is the model recorded from the request, replaced by the one the response names if
   * that differs.
   */
  static boolean response(byte[] body, int size, String requestModel, Log.Builder log) {
    long[] counts = GeminiRows.counts();
    @Nullable String version = null;
    try {
      JsonScan s = JsonScan.of(body, size);
      s.enterObject();
      for (int name = s.nextMember(); name >= 0; name = s.nextMember()) {
        if (s.nameIs(name, "usageMetadata") && s.valueStart() == '{') {
          usage(s, counts);
        } else if (s.nameIs(name, "modelVersion")) {
          // The model the request named is recorded already; only a different one is news.
          version = s.stringIs(requestModel) ? null : s.string();
        } else {
          s.skipValue();
        }
      }
    } catch (IOException e) {
      return false;
    }
    log.output(new LazyJson.Value(new LazyJson.Source(body, size), t -> t));
    GeminiRows.usage(counts, log);
    if (version != null && !version.isEmpty()) {
      log.metadata("model", version);
    }
    return true;
  }

  /** The counts of the {@code usageMetadata} object under the cursor, into {@code counts}. */
  static void usage(JsonScan s, long[] counts) throws IOException {
    s.enterObject();
    for (int name = s.nextMember(); name >= 0; name = s.nextMember()) {
      int i = 0;
      while (i < GeminiRows.USAGE_FIELDS.length && !s.nameIs(name, GeminiRows.USAGE_FIELDS[i])) {
        i++;
      }
      if (i < GeminiRows.USAGE_FIELDS.length) {
        counts[i] = s.longValue();
      } else {
        s.skipValue();
      }
    }
  }
}

package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads the few fields of a request or response the caller's thread must record at once (the
 * generation settings and tools of a request; the token counts and answering model of a response)
 * with a streaming parser that skips everything else, contents and candidates included, without
 * building it; those are kept as text and become trees when the row is written (see {@link
 * LazyJson}). Scanning to the end also checks the document is JSON, as a full parse would.
 */
final class WireScan {
  private WireScan() {}

  /**
   * Adds a request's allowlisted settings, {@code response_format}, tools and tool choice to {@code
   * log}.
   *
   * @throws IOException if the body is not a JSON object
   */
  static void request(Object body, Log.Builder log) throws IOException {
    @Nullable JsonNode tools = null;
    @Nullable JsonNode toolConfig = null;
    try (JsonParser p = parser(body)) {
      start(p);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "generationConfig" -> {
            if (value == JsonToken.START_OBJECT) {
              config(p, log);
            } else {
              p.skipChildren();
            }
          }
          case "tools" -> tools = p.readValueAsTree();
          case "toolConfig" -> toolConfig = p.readValueAsTree();
          default -> p.skipChildren();
        }
      }
    }
    if (tools != null || toolConfig != null) {
      GeminiTools.record(log, tools, toolConfig);
    }
  }

  /** The settings of a {@code generationConfig} object the parser is at the start of. */
  private static void config(JsonParser p, Log.Builder log) throws IOException {
    @Nullable JsonNode schema = null;
    @Nullable JsonNode legacySchema = null;
    @Nullable String mimeType = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      String key = GeminiRows.SETTINGS.get(name);
      if (key != null) {
        if (value != JsonToken.VALUE_NULL) {
          log.metadata(key, scalar(p, value));
        }
      } else if (name.equals("responseJsonSchema")) {
        schema = p.readValueAsTree();
      } else if (name.equals("responseSchema")) {
        legacySchema = p.readValueAsTree();
      } else if (name.equals("responseMimeType") && value == JsonToken.VALUE_STRING) {
        mimeType = p.getText();
      } else {
        p.skipChildren();
      }
    }
    ObjectNode format =
        GeminiRows.responseFormat(
            schema != null && !schema.isNull() ? schema : legacySchema, mimeType);
    if (format != null) {
      log.metadata("response_format", format);
    }
  }

  /** A number, string or boolean as itself; anything else (stop sequences) as a tree. */
  private static Object scalar(JsonParser p, JsonToken value) throws IOException {
    return switch (value) {
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
      case VALUE_STRING -> p.getText();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      default -> p.readValueAsTree();
    };
  }

  /**
   * The metrics and answering model of a whole {@code generateContent} response, its output the
   * response itself, parsed when written; null if the bytes are not a JSON object (the SDK tells
   * the caller so; the span records no output). The first {@code size} bytes of {@code body} are
   * the response; the array is kept, not copied.
   */
  static Log.@Nullable Builder response(byte[] body, int size) {
    long[] counts = GeminiRows.counts();
    @Nullable String version = null;
    try (JsonParser p = GeminiRows.MAPPER.createParser(body, 0, size)) {
      start(p);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("usageMetadata") && value == JsonToken.START_OBJECT) {
          usage(p, counts);
        } else if (name.equals("modelVersion") && value == JsonToken.VALUE_STRING) {
          version = p.getText();
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      return null;
    }
    Log.Builder log =
        Log.builder()
            .output(new LazyJson.Value(new LazyJson.Source(new LazyJson.Slice(body, size)), t -> t))
            .metrics(GeminiRows.usage(counts));
    if (version != null && !version.isEmpty()) {
      log.metadata("model", version);
    }
    return log;
  }

  private static void usage(JsonParser p, long[] counts) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      int i = indexOf(name);
      if (i >= 0 && value.isNumeric()) {
        counts[i] = p.getLongValue();
      } else {
        p.skipChildren();
      }
    }
  }

  private static int indexOf(String field) {
    for (int i = 0; i < GeminiRows.USAGE_FIELDS.length; i++) {
      if (GeminiRows.USAGE_FIELDS[i].equals(field)) {
        return i;
      }
    }
    return -1;
  }

  private static JsonParser parser(Object body) throws IOException {
    return body instanceof byte[] bytes
        ? GeminiRows.MAPPER.createParser(bytes)
        : GeminiRows.MAPPER.createParser((String) body);
  }

  private static void start(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new JsonParseException(p, "expected a JSON object");
    }
  }
}

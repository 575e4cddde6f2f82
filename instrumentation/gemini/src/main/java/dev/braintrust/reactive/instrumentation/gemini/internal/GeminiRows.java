package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a Gemini call's span row holds, per the instrumentation guide's Google (provider-native)
 * shapes: {@code input} is {@code {model, contents}} (plus {@code systemInstruction} when sent),
 * {@code output} the response as the API sent it, {@code metadata} the provider, the model and the
 * allowlisted generation settings under the guide's names, {@code metrics} the token counts of
 * {@code usageMetadata}. Everything is read from the JSON on the wire, so the row shows exactly
 * what was sent and received.
 */
final class GeminiRows {
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  /**
   * {@code generationConfig} fields the guide lets into metadata, each followed by its name there.
   */
  static final String[] SETTINGS = {
    "temperature", "temperature",
    "topP", "top_p",
    "maxOutputTokens", "max_tokens",
    "frequencyPenalty", "frequency_penalty",
    "presencePenalty", "presence_penalty",
    "stopSequences", "stop"
  };

  private GeminiRows() {}

  /**
   * Input and metadata of a request for {@code model} (as its path names it), its body a {@code
   * String} or UTF-8 {@code byte[]}. The caller's thread only scans the body for the settings and
   * tools, and for inline media to upload ({@link InlineMedia}); the input is built from it when
   * the row is written.
   *
   * @throws IOException if the body is not JSON
   */
  static Log.Builder request(Op op, String model, Object body, String provider) throws IOException {
    Log.Builder log = Log.builder().metadata("provider", provider);
    if (!model.isEmpty()) {
      log.metadata("model", model);
    }
    LazyJson.Source source = new LazyJson.Source(body);
    if (op == Op.EMBED) {
      return log.input(new LazyJson.Value(source, b -> embedInput(model, b)));
    }
    List<InlineMedia.Found> media = WireScan.request(body, log);
    if (media.isEmpty()) {
      return log.input(new LazyJson.Value(source, b -> generateInput(model, b)));
    }
    LazyJson.Value input =
        new LazyJson.Value(source, b -> InlineMedia.rewrite(generateInput(model, b), media));
    return log.input(MediaJson.carrying(input, media));
  }

  /** {@code {model, contents}}, plus {@code systemInstruction} when sent. */
  private static JsonNode generateInput(String model, JsonNode body) {
    ObjectNode input = MAPPER.createObjectNode().put("model", model);
    input.set("contents", body.path("contents"));
    if (body.hasNonNull("systemInstruction")) {
      input.set("systemInstruction", body.get("systemInstruction"));
    }
    return input;
  }

  /** {@code {model, contents}}: one content, or one per request of a batch. */
  private static JsonNode embedInput(String model, JsonNode body) {
    ObjectNode input = MAPPER.createObjectNode().put("model", model);
    input.set("contents", embedContents(body));
    return input;
  }

  /** The contents of an embedding request: one, or one per request of a batch. */
  private static JsonNode embedContents(JsonNode body) {
    ArrayNode out = MAPPER.createArrayNode();
    if (body.has("content")) {
      out.add(body.get("content"));
    }
    for (JsonNode r : body.path("requests")) {
      out.add(r.path("content"));
    }
    // Vertex AI's embedContent takes {instances: [{content}]} in older API versions.
    for (JsonNode i : body.path("instances")) {
      out.add(i.has("content") ? i.get("content") : i);
    }
    return out;
  }

  /**
   * {@code response_format} in OpenAI's shape: a schema as {@code json_schema}, JSON without one as
   * {@code json_object}; text (the default) as nothing.
   */
  static @Nullable ObjectNode responseFormat(@Nullable JsonNode schema, @Nullable String mimeType) {
    if (schema != null && !schema.isNull()) {
      ObjectNode f = MAPPER.createObjectNode().put("type", "json_schema");
      f.putObject("json_schema").put("name", "response").set("schema", schema);
      return f;
    }
    if ("application/json".equals(mimeType)) {
      return MAPPER.createObjectNode().put("type", "json_object");
    }
    return null;
  }

  /** Adds the output, metrics and answering model of a whole response (or of a folded stream). */
  static Log.Builder response(JsonNode response, Log.Builder log) {
    log.output(response);
    usage(counts(response.path("usageMetadata")), log);
    JsonNode version = response.path("modelVersion");
    if (version.isTextual() && !version.asText().isEmpty()) {
      log.metadata("model", version.asText());
    }
    return log;
  }

  /**
   * Output and metrics of an embedding response: the number of vectors, never the vectors, and the
   * tokens where the API reports them (Vertex AI's {@code statistics.token_count}).
   */
  static Log.Builder embedding(JsonNode response, Log.Builder log) {
    int count = response.has("embedding") ? 1 : 0;
    count += response.path("embeddings").size();
    log.output(Map.of("count", count));
    long[] counts = counts(response.path("usageMetadata"));
    usage(counts, log);
    long tokens = 0;
    boolean counted = false;
    for (JsonNode e : response.path("embeddings")) {
      JsonNode n = e.path("statistics").path("tokenCount");
      if (n.isNumber()) {
        tokens += n.asLong();
        counted = true;
      }
    }
    if (counted && counts[0] < 0 && counts[1] < 0) {
      log.metric("prompt_tokens", tokens).metric("tokens", tokens);
    }
    return log;
  }

  /**
   * Token metrics from {@code usageMetadata}: {@code prompt_tokens} is {@code promptTokenCount}
   * plus {@code toolUsePromptTokenCount} (cached tokens are already inside it), {@code
   * completion_tokens} is {@code candidatesTokenCount} plus {@code thoughtsTokenCount} (thinking is
   * billed as output), {@code tokens} the reported total, {@code prompt_cached_tokens} {@code
   * cachedContentTokenCount} and {@code completion_reasoning_tokens} {@code thoughtsTokenCount}.
   */
  static void usage(long[] c, Log.Builder log) {
    long prompt = c[0];
    long toolPrompt = c[1];
    long candidates = c[2];
    long thoughts = c[3];
    boolean hasPrompt = prompt >= 0 || toolPrompt >= 0;
    boolean hasCompletion = candidates >= 0 || thoughts >= 0;
    long promptTokens = Math.max(prompt, 0) + Math.max(toolPrompt, 0);
    long completionTokens = Math.max(candidates, 0) + Math.max(thoughts, 0);
    if (hasPrompt) {
      log.metric("prompt_tokens", promptTokens);
    }
    if (hasCompletion) {
      log.metric("completion_tokens", completionTokens);
    }
    if (c[4] >= 0) {
      log.metric("tokens", c[4]);
    } else if (hasPrompt && hasCompletion) {
      log.metric("tokens", promptTokens + completionTokens);
    }
    if (c[5] >= 0) {
      log.metric("prompt_cached_tokens", c[5]);
    }
    if (thoughts >= 0) {
      log.metric("completion_reasoning_tokens", thoughts);
    }
  }

  /** The {@code usageMetadata} counts {@link #usage} reads, in its order. */
  static final String[] USAGE_FIELDS = {
    "promptTokenCount",
    "toolUsePromptTokenCount",
    "candidatesTokenCount",
    "thoughtsTokenCount",
    "totalTokenCount",
    "cachedContentTokenCount"
  };

  /** A count per {@link #USAGE_FIELDS} entry, all absent (negative). */
  static long[] counts() {
    long[] counts = new long[USAGE_FIELDS.length];
    Arrays.fill(counts, -1);
    return counts;
  }

  /** The counts of a {@code usageMetadata} object (all absent if it is not one). */
  static long[] counts(JsonNode usage) {
    long[] counts = counts();
    if (usage.isObject()) {
      for (int i = 0; i < USAGE_FIELDS.length; i++) {
        JsonNode n = usage.path(USAGE_FIELDS[i]);
        if (n.isNumber()) {
          counts[i] = n.asLong();
        }
      }
    }
    return counts;
  }
}

package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import java.util.LinkedHashMap;
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

  /** {@code generationConfig} fields the guide lets into metadata, and their names there. */
  private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

  static {
    SETTINGS.put("temperature", "temperature");
    SETTINGS.put("topP", "top_p");
    SETTINGS.put("maxOutputTokens", "max_tokens");
    SETTINGS.put("frequencyPenalty", "frequency_penalty");
    SETTINGS.put("presencePenalty", "presence_penalty");
    SETTINGS.put("stopSequences", "stop");
  }

  private GeminiRows() {}

  /** Input and metadata of a request sent to {@code path}. */
  static Log request(Op op, String path, JsonNode body, String provider) {
    String model = Op.model(path);
    Log.Builder log = Log.builder().metadata("provider", provider);
    if (!model.isEmpty()) {
      log.metadata("model", model);
    }
    ObjectNode input = MAPPER.createObjectNode().put("model", model);
    if (op == Op.EMBED) {
      input.set("contents", embedContents(body));
      return log.input(input).build();
    }
    input.set("contents", body.path("contents"));
    if (body.hasNonNull("systemInstruction")) {
      input.set("systemInstruction", body.get("systemInstruction"));
    }
    log.input(input);
    JsonNode config = body.path("generationConfig");
    SETTINGS.forEach(
        (wire, name) -> {
          JsonNode v = config.get(wire);
          if (v != null && !v.isNull()) {
            log.metadata(name, v);
          }
        });
    JsonNode format = responseFormat(config);
    if (format != null) {
      log.metadata("response_format", format);
    }
    GeminiTools.record(log, body.get("tools"), body.get("toolConfig"));
    return log.build();
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
  private static @Nullable ObjectNode responseFormat(JsonNode config) {
    JsonNode schema =
        config.hasNonNull("responseJsonSchema")
            ? config.get("responseJsonSchema")
            : config.get("responseSchema");
    if (schema != null && !schema.isNull()) {
      ObjectNode f = MAPPER.createObjectNode().put("type", "json_schema");
      f.putObject("json_schema").put("name", "response").set("schema", schema);
      return f;
    }
    if ("application/json".equals(config.path("responseMimeType").asText())) {
      return MAPPER.createObjectNode().put("type", "json_object");
    }
    return null;
  }

  /** Output, metrics and the answering model of a whole response (or of a folded stream). */
  static Log.Builder response(JsonNode response) {
    Log.Builder log = Log.builder().output(response).metrics(usage(response.path("usageMetadata")));
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
  static Log.Builder embedding(JsonNode response) {
    int count = response.has("embedding") ? 1 : 0;
    count += response.path("embeddings").size();
    Log.Builder log = Log.builder().output(Map.of("count", count));
    Map<String, Number> metrics = usage(response.path("usageMetadata"));
    long tokens = 0;
    boolean counted = false;
    for (JsonNode e : response.path("embeddings")) {
      JsonNode n = e.path("statistics").path("tokenCount");
      if (n.isNumber()) {
        tokens += n.asLong();
        counted = true;
      }
    }
    if (counted && !metrics.containsKey("prompt_tokens")) {
      metrics.put("prompt_tokens", tokens);
      metrics.put("tokens", tokens);
    }
    return log.metrics(metrics);
  }

  /**
   * Token metrics from {@code usageMetadata}: {@code prompt_tokens} is {@code promptTokenCount}
   * plus {@code toolUsePromptTokenCount} (cached tokens are already inside it), {@code
   * completion_tokens} is {@code candidatesTokenCount} plus {@code thoughtsTokenCount} (thinking is
   * billed as output), {@code tokens} the reported total, {@code prompt_cached_tokens} {@code
   * cachedContentTokenCount} and {@code completion_reasoning_tokens} {@code thoughtsTokenCount}.
   */
  static Map<String, Number> usage(JsonNode usage) {
    Map<String, Number> metrics = new LinkedHashMap<>();
    if (!usage.isObject()) {
      return metrics;
    }
    JsonNode prompt = usage.path("promptTokenCount");
    JsonNode toolPrompt = usage.path("toolUsePromptTokenCount");
    JsonNode candidates = usage.path("candidatesTokenCount");
    JsonNode thoughts = usage.path("thoughtsTokenCount");
    if (prompt.isNumber() || toolPrompt.isNumber()) {
      metrics.put("prompt_tokens", prompt.asLong(0) + toolPrompt.asLong(0));
    }
    if (candidates.isNumber() || thoughts.isNumber()) {
      metrics.put("completion_tokens", candidates.asLong(0) + thoughts.asLong(0));
    }
    if (usage.path("totalTokenCount").isNumber()) {
      metrics.put("tokens", usage.get("totalTokenCount").asLong());
    } else if (metrics.containsKey("prompt_tokens") && metrics.containsKey("completion_tokens")) {
      metrics.put(
          "tokens",
          metrics.get("prompt_tokens").longValue() + metrics.get("completion_tokens").longValue());
    }
    if (usage.path("cachedContentTokenCount").isNumber()) {
      metrics.put("prompt_cached_tokens", usage.get("cachedContentTokenCount").asLong());
    }
    if (thoughts.isNumber()) {
      metrics.put("completion_reasoning_tokens", thoughts.asLong());
    }
    return metrics;
  }
}

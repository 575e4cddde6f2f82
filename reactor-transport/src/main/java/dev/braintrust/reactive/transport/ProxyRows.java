package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.internal.LlmMetadata;
import dev.braintrust.reactive.transport.internal.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The AI proxy's span rows as the cross-SDK instrumentation guide shapes them: metadata from an
 * explicit allowlist (never every request field: the rest may be private or large), the provider
 * whose pricing applies, and streamed chunks assembled into the {@code choices} a whole completion
 * has.
 */
final class ProxyRows {
  /**
   * The request fields the guide allows in metadata, besides {@code model} and {@code provider}.
   */
  static final List<String> METADATA_FIELDS = LlmMetadata.CHAT_REQUEST_PARAMETERS;

  // Model-name prefixes of the providers the proxy routes to, most specific first. Bedrock ids
  // name the vendor before a dot ("anthropic.claude-...", "us.anthropic.claude-...").
  private static final String[][] PROVIDERS = {
    {"anthropic.", "bedrock"},
    {"us.anthropic.", "bedrock"},
    {"eu.anthropic.", "bedrock"},
    {"amazon.", "bedrock"},
    {"meta.", "bedrock"},
    {"gpt-", "openai"},
    {"chatgpt-", "openai"},
    {"o1", "openai"},
    {"o3", "openai"},
    {"o4", "openai"},
    {"text-embedding-", "openai"},
    {"claude-", "anthropic"},
    {"gemini-", "google"},
    {"mistral-", "mistral"},
    {"mixtral-", "mistral"},
    {"codestral-", "mistral"},
    {"pixtral-", "mistral"},
    {"ministral-", "mistral"},
    {"grok-", "xai"},
    {"deepseek-", "deepseek"}
  };

  private ProxyRows() {}

  /**
   * The provider whose pricing applies to {@code model}, from the model families the proxy serves;
   * null when the name doesn't say (a custom or fine-tuned alias): absent, not guessed.
   */
  static @Nullable String provider(@Nullable String model) {
    if (model == null) {
      return null;
    }
    String m = model.toLowerCase(Locale.ROOT);
    if (m.startsWith("ft:")) {
      m = m.substring(3); // a fine-tuned OpenAI model: ft:gpt-4o-mini:org::id
    }
    for (String[] p : PROVIDERS) {
      if (m.startsWith(p[0])) {
        return p[1];
      }
    }
    return null;
  }

  /** Input, model, provider, the allowlisted fields, and what the caller added (the prompt). */
  static Log.Builder request(ObjectNode body, Map<String, ?> extra) {
    Log.Builder b = Log.builder().input(body.get("messages"));
    String model = body.path("model").isTextual() ? body.get("model").asText() : null;
    if (model != null) {
      b.metadata("model", model);
    }
    String provider = provider(model);
    if (provider != null) {
      b.metadata("provider", provider);
    }
    for (String f : METADATA_FIELDS) {
      JsonNode v = body.get(f);
      if (v != null && !v.isNull()) {
        b.metadata(f, v);
      }
    }
    // Last, so request fields can't overwrite the prompt's provenance.
    b.metadata(extra);
    return b;
  }

  /** The model the response reports, when it differs from the one asked for. */
  static void resolvedModel(Log.Builder b, ObjectNode body, JsonNode response) {
    JsonNode m = response.path("model");
    if (m.isTextual() && !m.asText().isEmpty() && !m.asText().equals(body.path("model").asText())) {
      b.metadata("model", m.asText());
    }
  }

  /**
   * Whether a chunk carries content: text, a refusal, reasoning or a tool call fragment. A chunk
   * with only the role, an empty delta or only usage is not the first token.
   */
  static boolean contentBearing(JsonNode chunk) {
    for (JsonNode c : chunk.path("choices")) {
      JsonNode d = c.path("delta");
      if (nonEmptyText(d.path("content"))
          || nonEmptyText(d.path("refusal"))
          || nonEmptyText(d.path("reasoning"))
          || nonEmptyText(d.path("reasoning_content"))
          || (d.path("tool_calls").isArray() && !d.path("tool_calls").isEmpty())) {
        return true;
      }
    }
    return false;
  }

  private static boolean nonEmptyText(JsonNode n) {
    return n.isTextual() && !n.asText().isEmpty();
  }

  /**
   * Streamed chunks assembled into the choices a whole completion would have had: per choice index,
   * the role, the joined content (and refusal), tool calls joined from their fragments by index,
   * and the finish reason (null while the stream was cut short).
   */
  static final class Assembly {
    private final TreeMap<Integer, Choice> choices = new TreeMap<>();

    void add(JsonNode chunk) {
      for (JsonNode c : chunk.path("choices")) {
        choices.computeIfAbsent(c.path("index").asInt(0), i -> new Choice()).add(c);
      }
    }

    ArrayNode output() {
      ArrayNode out = Json.MAPPER.createArrayNode();
      choices.forEach((i, c) -> out.add(c.toJson(i)));
      return out;
    }
  }

  private static final class Choice {
    private @Nullable String role;
    private @Nullable StringBuilder content;
    private @Nullable StringBuilder refusal;
    private @Nullable String finishReason;
    private final TreeMap<Integer, Map<String, StringBuilder>> toolCalls = new TreeMap<>();
    private final Map<Integer, String> toolIds = new LinkedHashMap<>();

    void add(JsonNode c) {
      JsonNode d = c.path("delta");
      if (d.path("role").isTextual()) {
        role = d.get("role").asText();
      }
      if (d.path("content").isTextual()) {
        content = append(content, d.get("content").asText());
      }
      if (d.path("refusal").isTextual()) {
        refusal = append(refusal, d.get("refusal").asText());
      }
      for (JsonNode t : d.path("tool_calls")) {
        int index = t.path("index").asInt(0);
        Map<String, StringBuilder> call =
            toolCalls.computeIfAbsent(
                index,
                i -> {
                  Map<String, StringBuilder> m = new LinkedHashMap<>();
                  m.put("name", new StringBuilder());
                  m.put("arguments", new StringBuilder());
                  return m;
                });
        if (t.path("id").isTextual()) {
          toolIds.put(index, t.get("id").asText());
        }
        JsonNode f = t.path("function");
        if (f.path("name").isTextual()) {
          call.get("name").append(f.get("name").asText());
        }
        if (f.path("arguments").isTextual()) {
          call.get("arguments").append(f.get("arguments").asText());
        }
      }
      if (c.path("finish_reason").isTextual()) {
        finishReason = c.get("finish_reason").asText();
      }
    }

    private static StringBuilder append(@Nullable StringBuilder into, String s) {
      return (into == null ? new StringBuilder() : into).append(s);
    }

    ObjectNode toJson(int index) {
      ObjectNode choice = Json.MAPPER.createObjectNode();
      choice.put("index", index);
      ObjectNode message = choice.putObject("message");
      message.put("role", role == null ? "assistant" : role);
      if (content == null) {
        message.putNull("content");
      } else {
        message.put("content", content.toString());
      }
      if (refusal != null) {
        message.put("refusal", refusal.toString());
      }
      if (!toolCalls.isEmpty()) {
        ArrayNode calls = message.putArray("tool_calls");
        toolCalls.forEach(
            (i, t) -> {
              ObjectNode call = calls.addObject();
              String id = toolIds.get(i);
              if (id != null) {
                call.put("id", id);
              }
              call.put("type", "function");
              call.putObject("function")
                  .put("name", t.get("name").toString())
                  .put("arguments", t.get("arguments").toString());
            });
      }
      if (finishReason == null) {
        choice.putNull("finish_reason");
      } else {
        choice.put("finish_reason", finishReason);
      }
      return choice;
    }
  }
}

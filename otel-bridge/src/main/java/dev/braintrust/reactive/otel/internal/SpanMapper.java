package dev.braintrust.reactive.otel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.internal.Time;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns finished OpenTelemetry spans into Braintrust rows.
 *
 * <p>Ids: {@code span_id} is the OTel span id, {@code root_span_id} the trace id, the row id the
 * span id. GenAI semantic conventions become input, output, model metadata and token metrics;
 * {@code braintrust.*} attributes, when present, win over anything inferred.
 */
public final class SpanMapper {
  /** Attribute naming the destination of a trace: {@code project_id:...} and so on. */
  public static final String PARENT = "braintrust.parent";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String[] TOKEN_IN = {
    "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"
  };
  private static final String[] TOKEN_OUT = {
    "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"
  };

  private SpanMapper() {}

  /** Whether the span carries GenAI or Braintrust attributes. */
  public static boolean isAiSpan(Attributes attributes, String name) {
    boolean[] found = {false};
    attributes.forEach(
        (k, v) -> {
          String key = k.getKey();
          if (key.startsWith("gen_ai.")
              || key.startsWith("braintrust.")
              || key.startsWith("llm.")) {
            found[0] = true;
          }
        });
    return found[0];
  }

  /** The row for a finished span. {@code parentOverride} replaces the OTel parent when set. */
  public static BraintrustEvent toEvent(
      SpanData span,
      Destination destination,
      @Nullable String parentOverride,
      boolean useOverride) {
    SpanContext ctx = span.getSpanContext();
    String spanId = ctx.getSpanId();
    List<String> parents;
    if (useOverride) {
      parents = parentOverride == null ? List.of() : List.of(parentOverride);
    } else {
      parents = span.getParentSpanContext().isValid() ? List.of(span.getParentSpanId()) : List.of();
    }
    Attributes attrs = span.getAttributes();
    Map<String, Object> metadata = new TreeMap<>();
    Map<String, Number> metrics = new LinkedHashMap<>();
    metrics.put("start", Time.epochSecondsFromNanos(span.getStartEpochNanos()));
    metrics.put("end", Time.epochSecondsFromNanos(span.getEndEpochNanos()));

    Object input = null;
    Object output = null;
    boolean hasInput = false;
    boolean hasOutput = false;
    boolean ai = false;
    Map<Integer, Map<String, Object>> promptParts = new TreeMap<>();
    Map<Integer, Map<String, Object>> completionParts = new TreeMap<>();

    for (Map.Entry<AttributeKey<?>, Object> e : attrs.asMap().entrySet()) {
      String key = e.getKey().getKey();
      Object value = e.getValue();
      if (key.startsWith("braintrust.")) {
        continue;
      }
      if (key.startsWith("gen_ai.")) {
        ai = true;
        if (indexed(key, "gen_ai.prompt.", promptParts, value)
            || indexed(key, "gen_ai.completion.", completionParts, value)) {
          continue;
        }
        switch (key) {
          case "gen_ai.prompt":
            input = parseIfJson(value);
            hasInput = true;
            continue;
          case "gen_ai.completion":
            output = parseIfJson(value);
            hasOutput = true;
            continue;
          case "gen_ai.request.model":
            metadata.put("model", value);
            break;
          case "gen_ai.system":
          case "gen_ai.provider.name":
            metadata.put("provider", value);
            break;
          default:
            break;
        }
      }
      metadata.put(key, value);
    }
    long in = firstLong(attrs, TOKEN_IN);
    long out = firstLong(attrs, TOKEN_OUT);
    if (in >= 0) {
      metrics.put("prompt_tokens", in);
    }
    if (out >= 0) {
      metrics.put("completion_tokens", out);
    }
    if (in >= 0 || out >= 0) {
      metrics.put("tokens", Math.max(in, 0) + Math.max(out, 0));
    }
    if (!hasInput && !promptParts.isEmpty()) {
      input = new ArrayList<>(promptParts.values());
      hasInput = true;
    }
    if (!hasOutput && !completionParts.isEmpty()) {
      output = new ArrayList<>(completionParts.values());
      hasOutput = true;
    }

    String error = null;
    List<Object> events = new ArrayList<>();
    List<Object> messages = new ArrayList<>();
    List<Object> choices = new ArrayList<>();
    for (EventData ev : span.getEvents()) {
      String n = ev.getName();
      if (n.equals("exception")) {
        error =
            ev.getAttributes().get(AttributeKey.stringKey("exception.type"))
                + ": "
                + ev.getAttributes().get(AttributeKey.stringKey("exception.message"));
        String stack = ev.getAttributes().get(AttributeKey.stringKey("exception.stacktrace"));
        if (stack != null) {
          error = stack;
        }
      } else if (n.startsWith("gen_ai.") && n.endsWith(".message")) {
        ai = true;
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("role", n.substring("gen_ai.".length(), n.length() - ".message".length()));
        Object content = ev.getAttributes().get(AttributeKey.stringKey("content"));
        msg.put("content", content == null ? "" : parseIfJson(content));
        messages.add(msg);
      } else if (n.equals("gen_ai.choice")) {
        ai = true;
        Map<String, Object> choice = new LinkedHashMap<>();
        ev.getAttributes().forEach((k, v) -> choice.put(k.getKey(), parseIfJson(v)));
        choices.add(choice);
      } else {
        Map<String, Object> evm = new LinkedHashMap<>();
        evm.put("name", n);
        evm.put("time", Time.epochSecondsFromNanos(ev.getEpochNanos()));
        Map<String, Object> ea = new TreeMap<>();
        ev.getAttributes().forEach((k, v) -> ea.put(k.getKey(), v));
        if (!ea.isEmpty()) {
          evm.put("attributes", ea);
        }
        events.add(evm);
      }
    }
    if (!hasInput && !messages.isEmpty()) {
      input = messages;
      hasInput = true;
    }
    if (!hasOutput && !choices.isEmpty()) {
      output = choices.size() == 1 ? choices.get(0) : choices;
      hasOutput = true;
    }
    if (!events.isEmpty()) {
      metadata.put("events", events);
    }
    if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
      String desc = span.getStatus().getDescription();
      if (error == null) {
        error = desc == null || desc.isEmpty() ? "error" : desc;
      }
    } else {
      error = null;
    }

    String type = ai ? "llm" : "task";
    Map<String, @Nullable Double> scores = new LinkedHashMap<>();
    List<String> tags = new ArrayList<>();
    // Explicit braintrust.* attributes take precedence over anything inferred above.
    for (Map.Entry<AttributeKey<?>, Object> e : attrs.asMap().entrySet()) {
      String key = e.getKey().getKey();
      Object value = e.getValue();
      switch (key) {
        case "braintrust.input_json":
        case "braintrust.input":
          input = parseIfJson(value);
          hasInput = true;
          break;
        case "braintrust.output_json":
        case "braintrust.output":
          output = parseIfJson(value);
          hasOutput = true;
          break;
        case "braintrust.metadata":
          Object md = parseIfJson(value);
          if (md instanceof JsonNode && ((JsonNode) md).isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = ((JsonNode) md).fields();
                it.hasNext(); ) {
              Map.Entry<String, JsonNode> f = it.next();
              metadata.put(f.getKey(), f.getValue());
            }
          }
          break;
        case "braintrust.scores":
          Object sc = parseIfJson(value);
          if (sc instanceof JsonNode && ((JsonNode) sc).isObject()) {
            ((JsonNode) sc)
                .fields()
                .forEachRemaining(
                    f ->
                        scores.put(
                            f.getKey(), f.getValue().isNull() ? null : f.getValue().asDouble()));
          }
          break;
        case "braintrust.metrics":
          Object mt = parseIfJson(value);
          if (mt instanceof JsonNode && ((JsonNode) mt).isObject()) {
            ((JsonNode) mt)
                .fields()
                .forEachRemaining(
                    f -> {
                      if (f.getValue().isNumber()) {
                        metrics.put(f.getKey(), f.getValue().numberValue());
                      }
                    });
          }
          break;
        case "braintrust.span_attributes.type":
          type = String.valueOf(value);
          break;
        case "braintrust.tags":
          if (value instanceof List) {
            for (Object t : (List<?>) value) {
              tags.add(String.valueOf(t));
            }
          }
          break;
        default:
          break;
      }
    }

    BraintrustEvent.Builder b =
        BraintrustEvent.builder(destination, spanId)
            .span(spanId, ctx.getTraceId(), parents)
            .spanAttributes(span.getName(), type)
            .created(java.time.Instant.ofEpochSecond(0, span.getStartEpochNanos()).toString());
    if (hasInput) {
      b.input(input);
    }
    if (hasOutput) {
      b.output(output);
    }
    if (error != null) {
      b.error(error);
    }
    metadata.forEach(b::metadata);
    metrics.forEach(
        (k, v) -> {
          double d = v.doubleValue();
          if (!Double.isNaN(d) && !Double.isInfinite(d)) {
            b.metric(k, v);
          }
        });
    scores.forEach(
        (k, v) -> {
          // A score outside [0, 1] from an attribute is dropped with a note, never the whole span.
          try {
            b.score(k, v);
          } catch (IllegalArgumentException bad) {
            b.metadata("invalid_score." + k, bad.getMessage());
          }
        });
    tags.forEach(
        t -> {
          if (!t.isEmpty()) {
            b.tag(t);
          }
        });
    return b.build();
  }

  private static boolean indexed(
      String key, String prefix, Map<Integer, Map<String, Object>> parts, Object value) {
    if (!key.startsWith(prefix)) {
      return false;
    }
    String rest = key.substring(prefix.length());
    int dot = rest.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    try {
      int i = Integer.parseInt(rest.substring(0, dot));
      parts
          .computeIfAbsent(i, k -> new LinkedHashMap<>())
          .put(rest.substring(dot + 1), parseIfJson(value));
      return true;
    } catch (NumberFormatException notIndexed) {
      return false;
    }
  }

  private static long firstLong(Attributes attrs, String[] keys) {
    for (String k : keys) {
      Long v = attrs.get(AttributeKey.longKey(k));
      if (v != null) {
        return v;
      }
    }
    return -1;
  }

  /** Strings that look like JSON objects or arrays are parsed; anything else is kept. */
  static Object parseIfJson(Object value) {
    if (value instanceof String) {
      String s = ((String) value).trim();
      if ((s.startsWith("{") && s.endsWith("}")) || (s.startsWith("[") && s.endsWith("]"))) {
        try {
          return MAPPER.readTree(s);
        } catch (IOException notJson) {
          return value;
        }
      }
    }
    return value;
  }
}

package dev.braintrust.reactive.otel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.BraintrustEventBuilder;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.attachment.AttachmentConverter;
import dev.braintrust.reactive.core.internal.ArrayMap;
import dev.braintrust.reactive.core.internal.EventAccess;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.core.internal.Time;
import dev.braintrust.reactive.core.internal.Validation;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns finished OpenTelemetry spans into Braintrust rows.
 *
 * <p>Ids: {@code span_id} is the OTel span id, {@code root_span_id} the trace id, the row id the
 * span id. GenAI conventions become input, output, span type, model metadata and token metrics;
 * when several are present the most specific wins, field by field, in this order: explicit {@code
 * braintrust.*} attributes, Spring AI's {@code spring.ai.*} keys, the current OTel GenAI
 * conventions ({@link GenAiLatestMapping}), OpenInference ({@link OpenInferenceMapping}), the older
 * GenAI attributes and events ({@link LegacyGenAiMapping}). Attributes read into a field are left
 * out of the metadata.
 */
public final class SpanMapper {
  /** Attribute naming the destination of a trace: {@code project_id:...} and so on. */
  public static final String PARENT = "braintrust.parent";

  private SpanMapper() {}

  /**
   * Whether the span carries an attribute with one of the prefixes {@code filter-ai-spans.md} lists
   * ({@code gen_ai.}, {@code braintrust.}, {@code llm.}, {@code ai.}, {@code traceloop.}), or
   * OpenInference's, which this bridge maps too. The system attributes {@code braintrust.parent},
   * {@code braintrust.org} and {@code braintrust.app_url} alone do not make a span an AI span.
   */
  public static boolean isAiSpan(Attributes attributes, String name) {
    boolean[] found = {false};
    attributes.forEach(
        (k, v) -> {
          String key = k.getKey();
          if (key.startsWith("gen_ai.")
              || (key.startsWith("braintrust.") && !SYSTEM.contains(key))
              || key.startsWith("llm.")
              || key.startsWith("ai.")
              || key.startsWith("traceloop.")
              || key.startsWith("openinference.")) {
            found[0] = true;
          }
        });
    return found[0];
  }

  private static final java.util.Set<String> SYSTEM =
      java.util.Set.of(PARENT, "braintrust.org", "braintrust.app_url");

  /** The row for a finished span. {@code parentOverride} replaces the OTel parent when set. */
  public static BraintrustEvent toEvent(
      SpanData span,
      Destination destination,
      @Nullable String parentOverride,
      boolean useOverride) {
    return toEvent(span, List.of(), destination, parentOverride, useOverride);
  }

  /**
   * The row for a finished span as {@link #toEvent(SpanData, List, Destination, String, boolean)}
   * makes it, but built when the exporter encodes it, on the exporter's thread: the caller pays for
   * a small shell only (issue 35: mapping on the application thread was most of the bridge's cost
   * there). {@code span} and {@code logged} must not change afterwards: {@code SpanData} from the
   * SDK never does. Spans that may carry inline media are built when the attachment stage reads
   * them, on the caller's thread as before, so their attachments are still found. If building
   * throws, the row is sent with its ids, name and times and the reason, and counted.
   */
  public static BraintrustEvent deferred(
      SpanData span,
      List<GenAiEvent> logged,
      Destination destination,
      @Nullable String parentOverride,
      boolean useOverride) {
    boolean media = AttachmentConverter.enabled() && MediaScan.mayHoldMedia(span, logged);
    return EventAccess.deferred(
        destination,
        span.getSpanContext().getSpanId(),
        media,
        () -> toEvent(span, logged, destination, parentOverride, useOverride),
        failure ->
            fallback(span, destination, parents(span, parentOverride, useOverride), failure));
  }

  /** The row of a span whose mapping threw: what is known without mapping, and why. */
  static BraintrustEvent fallback(
      SpanData span, Destination destination, List<String> parents, Throwable failure) {
    String spanId = span.getSpanContext().getSpanId();
    String reason = failure.getClass().getSimpleName();
    String msg = failure.getMessage();
    if (msg != null) {
      int nl = msg.indexOf('\n');
      reason += ": " + (nl < 0 ? msg : msg.substring(0, nl));
    }
    return BraintrustEvent.builder(destination, spanId)
        .span(spanId, span.getTraceId(), parents)
        .spanAttributes(span.getName(), "task")
        .created(java.time.Instant.ofEpochSecond(0, span.getStartEpochNanos()))
        .instrumentation(SpanOrigins.instrumentation(span))
        .metric("start", Time.epochSecondsFromNanos(span.getStartEpochNanos()))
        .metric("end", Time.epochSecondsFromNanos(span.getEndEpochNanos()))
        .metadata(
            EventEncoder.ERRORS_KEY, List.of("the span could not be mapped to a row: " + reason))
        .build();
  }

  private static List<String> parents(
      SpanData span, @Nullable String parentOverride, boolean useOverride) {
    if (useOverride) {
      return parentOverride == null ? List.of() : List.of(parentOverride);
    }
    return span.getParentSpanContext().isValid() ? List.of(span.getParentSpanId()) : List.of();
  }

  /**
   * The row for a finished span, reading also the GenAI events that were emitted as log records
   * inside it ({@code logged}).
   */
  public static BraintrustEvent toEvent(
      SpanData span,
      List<GenAiEvent> logged,
      Destination destination,
      @Nullable String parentOverride,
      boolean useOverride) {
    SpanContext ctx = span.getSpanContext();
    String spanId = ctx.getSpanId();
    List<String> parents = parents(span, parentOverride, useOverride);
    if (logged.isEmpty() && span.getEvents().isEmpty()) {
      BraintrustEvent plain = plain(span, destination, parents);
      if (plain != null) {
        return plain;
      }
    }
    return general(span, logged, destination, parents);
  }

  /** The row of any span, through the convention mappings. */
  static BraintrustEvent general(
      SpanData span, List<GenAiEvent> logged, Destination destination, List<String> parents) {
    SpanContext ctx = span.getSpanContext();
    String spanId = ctx.getSpanId();
    Attributes attrs = span.getAttributes();
    Map<String, Number> metrics = new LinkedHashMap<>();
    metrics.put("start", Time.epochSecondsFromNanos(span.getStartEpochNanos()));
    metrics.put("end", Time.epochSecondsFromNanos(span.getEndEpochNanos()));

    String error = null;
    boolean failed = span.getStatus().getStatusCode() == StatusCode.ERROR;
    List<Object> events = new ArrayList<>();
    List<GenAiEvent> genAi = new ArrayList<>();
    for (EventData ev : span.getEvents()) {
      String n = ev.getName();
      // A span in error shows its exception as the row's error; on a span that is not in error
      // the exception was handled (the spec keeps `error` for failed spans), so it stays among
      // the span's events instead of vanishing.
      if (n.equals("exception") && failed) {
        error =
            ev.getAttributes().get(AttributeKey.stringKey("exception.type"))
                + ": "
                + ev.getAttributes().get(AttributeKey.stringKey("exception.message"));
        String stack = ev.getAttributes().get(AttributeKey.stringKey("exception.stacktrace"));
        if (stack != null) {
          error = stack;
        }
      } else if (GenAiEvent.isGenAi(n)) {
        genAi.add(GenAiEvent.of(ev));
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
    if (!logged.isEmpty()) {
      genAi.addAll(logged);
      genAi.sort(Comparator.comparingLong(GenAiEvent::epochNanos));
    }

    SpanRow row = new SpanRow(GenAiEvent.byKey(attrs), genAi);
    row.map();

    Map<String, Object> metadata = new TreeMap<>();
    boolean ai = row.ai || !genAi.isEmpty();
    boolean explicit = false;
    for (Map.Entry<String, Object> e : row.attrs.entrySet()) {
      String key = e.getKey();
      ai |= key.startsWith("gen_ai.");
      if (key.startsWith("braintrust.")) {
        explicit = true;
      } else if (!row.consumed.contains(key)) {
        metadata.put(key, e.getValue());
      }
    }
    metadata.putAll(row.metadata);
    metrics.putAll(row.metrics);
    Number in = row.metrics.get("prompt_tokens");
    Number out = row.metrics.get("completion_tokens");
    // A total only when both parts are known: one side alone would be a made-up total.
    if (!metrics.containsKey("tokens") && in != null && out != null) {
      metrics.put("tokens", in.longValue() + out.longValue());
    }
    Object input = row.input;
    Object output = row.output;
    boolean hasInput = row.hasInput;
    boolean hasOutput = row.hasOutput;
    if (!events.isEmpty()) {
      metadata.put("events", events);
    }
    if (failed) {
      String desc = span.getStatus().getDescription();
      if (error == null) {
        error = desc == null || desc.isEmpty() ? "error" : desc;
      }
    } else {
      error = null;
    }

    String type = row.type != null ? row.type : ai ? "llm" : "task";
    Map<String, @Nullable Double> scores = new LinkedHashMap<>();
    List<String> tags = new ArrayList<>(row.tags);
    Map<String, Object> context = new LinkedHashMap<>();
    // Explicit braintrust.* attributes take precedence over anything inferred above (asMap copies
    // the attributes, so only a span that has some reads them again).
    for (Map.Entry<AttributeKey<?>, Object> e :
        explicit ? attrs.asMap().entrySet() : Set.<Map.Entry<AttributeKey<?>, Object>>of()) {
      String key = e.getKey().getKey();
      Object value = e.getValue();
      switch (key) {
        case "braintrust.input_json":
        case "braintrust.input":
          input = AttrValues.rowValue(value);
          hasInput = true;
          break;
        case "braintrust.output_json":
        case "braintrust.output":
          output = AttrValues.rowValue(value);
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
        case "braintrust.context_json":
          Object cx = parseIfJson(value);
          if (cx instanceof JsonNode && ((JsonNode) cx).isObject()) {
            ((JsonNode) cx).fields().forEachRemaining(f -> context.put(f.getKey(), f.getValue()));
          }
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

    BraintrustEventBuilder b =
        BraintrustEvent.builder(destination, spanId)
            .span(spanId, ctx.getTraceId(), parents)
            .spanAttributes(span.getName(), type)
            .created(java.time.Instant.ofEpochSecond(0, span.getStartEpochNanos()))
            .instrumentation(SpanOrigins.instrumentation(span));
    SpanOrigins.context(context, span).forEach(b::context);
    // Inline media (data URIs, base64 sources) leave the row as attachments, uploaded first.
    if (AttachmentConverter.enabled()) {
      input = input instanceof JsonNode j ? AttachmentConverter.convert(j) : input;
      output = output instanceof JsonNode j ? AttachmentConverter.convert(j) : output;
    }
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

  /**
   * The row of a span no convention mapping reads and with no events and no {@code braintrust.*}
   * attributes (an HTTP or database span: most of what an agent records), built without the
   * mappings' working state; null for any other span. The same row as the general path: {@code
   * SpanRowTest} compares them.
   */
  static @Nullable BraintrustEvent plain(
      SpanData span, Destination destination, List<String> parents) {
    Attributes attrs = span.getAttributes();
    // The attributes as they come, then sorted by key into the row's metadata: no map is built
    // and copied on the way (this is most spans an agent records).
    String[] keys = new String[attrs.size()];
    Object[] values = new Object[keys.length];
    int[] n = {0};
    boolean[] plain = {true};
    attrs.forEach(
        (k, v) -> {
          if (!plain[0]) {
            // A GenAI span is known for one at its first key: the rest is not looked at.
            return;
          }
          String key = k.getKey();
          if (SpanRow.readByMapper(key)) {
            plain[0] = false;
          } else if (n[0] < keys.length) {
            // Checked as the builder checks a metadata key (a failure makes the fallback row).
            keys[n[0]] = Validation.key("metadata", key);
            values[n[0]++] = v;
          }
        });
    if (!plain[0]) {
      return null;
    }
    String spanId = span.getSpanContext().getSpanId();
    BraintrustEventBuilder b =
        BraintrustEvent.builder(destination, spanId)
            .span(spanId, span.getTraceId(), parents)
            .spanAttributes(span.getName(), "task")
            .created(java.time.Instant.ofEpochSecond(0, span.getStartEpochNanos()))
            .instrumentation(SpanOrigins.instrumentation(span));
    if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
      String desc = span.getStatus().getDescription();
      b.error(desc == null || desc.isEmpty() ? "error" : desc);
    }
    if (n[0] > 0) {
      EventAccess.withMetadata(b, sortedByKey(keys, values, n[0]));
    }
    return b.metric("start", Time.epochSecondsFromNanos(span.getStartEpochNanos()))
        .metric("end", Time.epochSecondsFromNanos(span.getEndEpochNanos()))
        .build();
  }

  /**
   * The first {@code n} keys and values as a read-only map in key order; of keys named alike (an
   * attribute set with two types) the later one, as a sorted map filled in this order keeps.
   */
  static Map<String, @Nullable Object> sortedByKey(String[] keys, Object[] values, int n) {
    // Insertion sort, stable: a span has a dozen attributes or so.
    for (int i = 1; i < n; i++) {
      String k = keys[i];
      Object v = values[i];
      int j = i - 1;
      while (j >= 0 && keys[j].compareTo(k) > 0) {
        keys[j + 1] = keys[j];
        values[j + 1] = values[j];
        j--;
      }
      keys[j + 1] = k;
      values[j + 1] = v;
    }
    ArrayMap<@Nullable Object> m = new ArrayMap<>(n);
    for (int i = 0; i < n; i++) {
      if (i + 1 < n && keys[i + 1].equals(keys[i])) {
        continue;
      }
      m.append(keys[i], values[i]);
    }
    return m.freeze();
  }

  static Object parseIfJson(Object value) {
    return AttrValues.parseIfJson(value);
  }
}

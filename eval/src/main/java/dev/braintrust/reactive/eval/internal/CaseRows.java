package dev.braintrust.reactive.eval.internal;

import dev.braintrust.reactive.core.internal.Origin;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The rows of one case's span tree as the insert API takes them: the eval writes them itself, not
 * through a tracer, because the spec's shapes need fields a tracer's row does not have ({@code
 * span_attributes.purpose}, {@code origin}, {@code classifications}).
 */
final class CaseRows {
  static final String INSTRUMENTATION = "eval";

  private CaseRows() {}

  /** A fresh 16-hex span id, W3C-shaped like the tracer's. */
  static String spanId() {
    return String.format("%016x", ThreadLocalRandom.current().nextLong() | 1L);
  }

  /** A fresh 32-hex trace id. */
  static String traceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("%016x%016x", r.nextLong(), r.nextLong() | 1L);
  }

  static double now() {
    Instant t = Instant.now();
    return t.getEpochSecond() + t.getNano() / 1e9;
  }

  /**
   * A new span row: ids, span attributes ({@code name}, {@code type} and {@code extra}), times and
   * the span origin naming this module.
   */
  static Map<String, Object> span(
      String traceId,
      String spanId,
      @Nullable String parentSpanId,
      String name,
      String type,
      Map<String, Object> extra,
      double start) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", UUID.randomUUID().toString());
    row.put("created", Instant.now().toString());
    row.put("span_id", spanId);
    row.put("root_span_id", traceId);
    if (parentSpanId != null) {
      row.put("span_parents", List.of(parentSpanId));
    }
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("name", name);
    attrs.put("type", type);
    attrs.putAll(extra);
    row.put("span_attributes", attrs);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("start", start);
    metrics.put("end", now());
    row.put("metrics", metrics);
    row.put("context", Map.of("span_origin", spanOrigin()));
    return row;
  }

  private static Map<String, Object> spanOrigin() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("name", Origin.NAME);
    o.put("version", Origin.version());
    o.put("instrumentation", Map.of("name", INSTRUMENTATION));
    Origin.Environment env = Origin.environment();
    if (env != null) {
      Map<String, Object> e = new LinkedHashMap<>();
      if (env.type() != null) {
        e.put("type", env.type());
      }
      if (env.name() != null) {
        e.put("name", env.name());
      }
      o.put("environment", e);
    }
    return o;
  }

  /** The scorer's view of a case: what its span records as input. */
  static Map<String, @Nullable Object> scorerInput(
      Object input, @Nullable Object output, @Nullable Object expected, Map<String, Object> meta) {
    Map<String, @Nullable Object> in = new LinkedHashMap<>();
    in.put("input", input);
    in.put("output", output);
    in.put("expected", expected);
    if (!meta.isEmpty()) {
      in.put("metadata", meta);
    }
    return in;
  }

  /** A failure as a row's {@code error}: the exception and its message. */
  static String describe(Throwable e) {
    return e.getMessage() == null ? e.toString() : e.getClass().getName() + ": " + e.getMessage();
  }
}

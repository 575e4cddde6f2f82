package dev.braintrust.reactive.otel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.internal.Origin;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code context} of a bridged span's row: this bridge exported it, so {@code span_origin} names
 * this library (and version), and the OpenTelemetry instrumentation scope that made the span as
 * {@code instrumentation.name}, as the guide asks of exporters. A {@code braintrust.context_json}
 * attribute is kept, its {@code span_origin} deep-merged over ours.
 */
final class SpanOrigins {
  /** The instrumentation name of a span whose scope has no name. */
  static final String BRIDGE = "otel-bridge";

  private SpanOrigins() {}

  static String instrumentation(SpanData span) {
    String scope = span.getInstrumentationScopeInfo().getName();
    return scope == null || scope.isBlank() ? BRIDGE : scope;
  }

  /** The context entries to write: {@code explicit} with its span_origin merged over ours. */
  static Map<String, Object> context(Map<String, Object> explicit, SpanData span) {
    Object given = explicit.get("span_origin");
    if (given instanceof ObjectNode) {
      ObjectNode origin = JsonNodeFactory.instance.objectNode();
      origin.put("name", Origin.NAME).put("version", Origin.version());
      origin.putObject("instrumentation").put("name", instrumentation(span));
      Origin.Environment env = Origin.environment();
      if (env != null) {
        ObjectNode e = origin.putObject("environment");
        if (env.type() != null) {
          e.put("type", env.type());
        }
        if (env.name() != null) {
          e.put("name", env.name());
        }
      }
      merge(origin, (ObjectNode) given);
      explicit.put("span_origin", origin);
    }
    return explicit;
  }

  private static void merge(ObjectNode into, ObjectNode over) {
    for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode old = into.get(f.getKey());
      if (old instanceof ObjectNode && f.getValue() instanceof ObjectNode) {
        merge((ObjectNode) old, (ObjectNode) f.getValue());
      } else {
        into.set(f.getKey(), f.getValue());
      }
    }
  }
}

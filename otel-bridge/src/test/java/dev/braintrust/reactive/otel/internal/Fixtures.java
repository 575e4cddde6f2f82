package dev.braintrust.reactive.otel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Spans recorded from the conventions' documented examples ({@code src/test/resources/genai}),
 * replayed through a real OTel SDK and mapped as the processor maps them.
 */
public final class Fixtures {
  static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** The fixture's span, finished. */
  static SpanData span(String fixture) {
    JsonNode f = read(fixture);
    return recorded(
        "fixtures",
        f.get("name").asText(),
        span -> {
          span.setAllAttributes(attributes(f.get("attributes")));
          for (JsonNode e : f.path("events")) {
            span.addEvent(e.get("name").asText(), attributes(e.path("attributes")));
          }
        });
  }

  /**
   * A span the SDK recorded and ended, as an exporter receives it: named {@code name} in scope
   * {@code scope}, {@code body} run on it before it ends.
   */
  public static SpanData recorded(String scope, String name, Consumer<Span> body) {
    List<SpanData> done = new ArrayList<>();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new Collect(done)))
            .build();
    try {
      Span span = provider.get(scope).spanBuilder(name).startSpan();
      body.accept(span);
      span.end();
    } finally {
      provider.shutdown();
    }
    return done.get(0);
  }

  /** The row the fixture's span maps to, as JSON. */
  static ObjectNode row(String fixture) {
    return json(SpanMapper.toEvent(span(fixture), Destination.projectLogsByName("p"), null, false));
  }

  /** A mapped event's fields as JSON, named as in the row sent. */
  static ObjectNode json(BraintrustEvent e) {
    ObjectNode row = JSON.createObjectNode();
    if (e.hasInput()) {
      row.set("input", written(e.input()));
    }
    if (e.hasOutput()) {
      row.set("output", written(e.output()));
    }
    if (e.hasError()) {
      row.set("error", JSON.valueToTree(e.error()));
    }
    row.set("metadata", JSON.valueToTree(e.metadata()));
    row.set("metrics", JSON.valueToTree(e.metrics()));
    row.put("type", e.spanType());
    row.put("name", e.spanName());
    row.set("tags", JSON.valueToTree(e.tags()));
    return row;
  }

  /** A value as written into a row and read back (raw JSON text is written as it is). */
  private static JsonNode written(@Nullable Object value) {
    try {
      return JSON.readTree(JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture file. */
  public static JsonNode read(String fixture) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/genai/" + fixture + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + fixture);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * JSON values as attribute values: text, whole numbers, decimals, booleans and arrays of those as
   * themselves; objects and arrays of objects as JSON text, as Java instrumentation sets them.
   */
  public static Attributes attributes(JsonNode node) {
    AttributesBuilder b = Attributes.builder();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String k = f.getKey();
      JsonNode v = f.getValue();
      if (v.isTextual()) {
        b.put(k, v.asText());
      } else if (v.isIntegralNumber()) {
        b.put(k, v.asLong());
      } else if (v.isNumber()) {
        b.put(k, v.asDouble());
      } else if (v.isBoolean()) {
        b.put(k, v.asBoolean());
      } else if (v.isArray() && v.size() > 0 && v.get(0).isTextual()) {
        List<String> list = new ArrayList<>();
        v.forEach(x -> list.add(x.asText()));
        b.put(AttributeKey.stringArrayKey(k), list);
      } else if (v.isArray() && v.size() > 0 && v.get(0).isNumber()) {
        List<Double> list = new ArrayList<>();
        v.forEach(x -> list.add(x.asDouble()));
        b.put(AttributeKey.doubleArrayKey(k), list);
      } else {
        b.put(k, v.toString());
      }
    }
    return b.build();
  }

  private record Collect(List<SpanData> into) implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      into.addAll(spans);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}

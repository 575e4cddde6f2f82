package dev.braintrust.reactive.core.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;

/**
 * Writes {@code span_origin}: the library ({@link Origin#NAME}), its version, the module that made
 * the span and, when one is known, the environment. The same for every row but the module name, so
 * the constant parts are serialized once.
 */
final class SpanOriginWriter {
  private static final SerializedString SPAN_ORIGIN = new SerializedString("span_origin");
  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString VERSION = new SerializedString("version");
  private static final SerializedString INSTRUMENTATION = new SerializedString("instrumentation");
  private static final SerializedString ORIGIN_NAME = new SerializedString(Origin.NAME);
  private static final SerializedString ORIGIN_VERSION = new SerializedString(Origin.version());

  private SpanOriginWriter() {}

  /** Writes the {@code span_origin} field of a row made by {@code instrumentation}. */
  static void write(JsonGenerator g, String instrumentation) throws IOException {
    g.writeFieldName(SPAN_ORIGIN);
    g.writeStartObject();
    g.writeFieldName(NAME);
    g.writeString(ORIGIN_NAME);
    g.writeFieldName(VERSION);
    g.writeString(ORIGIN_VERSION);
    g.writeFieldName(INSTRUMENTATION);
    g.writeStartObject();
    g.writeFieldName(NAME);
    // Module names are ASCII: serialised once each.
    SerializedString module = FieldNames.of(instrumentation);
    if (module != null) {
      g.writeString(module);
    } else {
      g.writeString(instrumentation);
    }
    g.writeEndObject();
    Origin.Environment env = Origin.environment();
    if (env != null) {
      g.writeObjectFieldStart("environment");
      if (env.type() != null) {
        g.writeStringField("type", env.type());
      }
      if (env.name() != null) {
        g.writeStringField("name", env.name());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }
}

package dev.braintrust.reactive.instrumentation.openai.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import java.io.IOException;

/**
 * A client model object written with the client's own Jackson mapper (its union types and
 * {@code JsonField}s need its modules), when the row is encoded: off the caller's thread, by the
 * exporter. The client's models are immutable, so writing them later is safe.
 */
final class SdkJson implements JsonSerializable {
  // The client's mapper configures nothing that would leak into the encoder's generator.
  private static final JsonMapper MAPPER = ObjectMappers.jsonMapper();
  private static final ObjectWriter WRITER = MAPPER.writer();

  private final Object value;

  SdkJson(Object value) {
    this.value = value;
  }

  /** {@code value} as a JSON tree, now. */
  static ObjectNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  @Override
  public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
    WRITER.writeValue(gen, value);
  }

  @Override
  public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
      throws IOException {
    serialize(gen, serializers);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}

package dev.braintrust.reactive.instrumentation.openai.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * A value reshaped from the client's immutable objects when the row is encoded, by the exporter,
 * rather than on the caller's thread: building a JSON tree of a request costs tens of microseconds
 * and kilobytes of garbage, which the caller would otherwise pay on every call.
 */
final class LazyJson implements JsonSerializable {
  private final Supplier<JsonNode> value;

  LazyJson(Supplier<JsonNode> value) {
    this.value = value;
  }

  @Override
  public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
    value.get().serialize(gen, serializers);
  }

  @Override
  public void serializeWithType(
      JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
      throws IOException {
    serialize(gen, serializers);
  }

  @Override
  public String toString() {
    return value.get().toString();
  }
}

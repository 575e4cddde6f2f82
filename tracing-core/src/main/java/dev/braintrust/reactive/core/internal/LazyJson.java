package dev.braintrust.reactive.core.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * A row value reshaped from a client library's immutable objects when the row is encoded, by the
 * exporter, rather than on the caller's thread: building the JSON tree of a request or a reply
 * costs tens of microseconds and kilobytes of garbage, which an instrumented call would otherwise
 * pay every time. The supplier must only read immutable state. The exporter's attachment stage
 * cannot see into it, so a value that may hold inline media is built eagerly instead.
 */
public final class LazyJson implements JsonSerializable {
  private final Supplier<JsonNode> value;

  private LazyJson(Supplier<JsonNode> value) {
    this.value = value;
  }

  /** A value that is {@code value.get()} when written. */
  public static LazyJson of(Supplier<JsonNode> value) {
    return new LazyJson(value);
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

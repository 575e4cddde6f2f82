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
  private final Supplier<?> value;

  private LazyJson(Supplier<?> value) {
    this.value = value;
  }

  /** A value that is {@code value.get()} when written. */
  public static LazyJson of(Supplier<JsonNode> value) {
    return new LazyJson(value);
  }

  /**
   * A value that is {@code value.get()} when written, any value the row's mapper can write (maps,
   * lists, strings, numbers): written by that mapper's serializers, so it comes out as it would
   * have had it been logged as it is, without first being made a tree.
   */
  public static LazyJson ofValue(Supplier<?> value) {
    return new LazyJson(value);
  }

  @Override
  public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
    Object v = value.get();
    if (v instanceof JsonNode n) {
      n.serialize(gen, serializers);
    } else {
      serializers.defaultSerializeValue(v, gen);
    }
  }

  @Override
  public void serializeWithType(
      JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
      throws IOException {
    serialize(gen, serializers);
  }

  @Override
  public String toString() {
    return String.valueOf(value.get());
  }
}

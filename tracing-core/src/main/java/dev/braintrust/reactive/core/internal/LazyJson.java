package dev.braintrust.reactive.core.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.POJONode;
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
   * A value that is {@code value.get()} when written: a tree, or the library's own maps, lists,
   * strings and numbers, written by Jackson 2's serializers without first being made a tree. It
   * comes as a node holding the lazy value, as a tree is written by Jackson 2 whatever mapper the
   * exporter was given: the Spring Boot 4 starter's writes other values with the application's
   * Jackson 3 mapper, which knows nothing of Jackson 2's {@link JsonSerializable} and would write
   * an empty object.
   */
  public static JsonNode ofValue(Supplier<?> value) {
    return new POJONode(new LazyJson(value));
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

package dev.braintrust.reactive.core.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A row value an LLM client wrapper builds from the SDK's objects when the exporter first writes
 * it, and keeps: a batch written twice (retried, or read by the attachment stage first) builds it
 * once. The build must only read immutable state, as it runs on the exporter's thread.
 *
 * @param <T> the tree it builds
 */
public abstract class MemoJson<T extends JsonNode> implements JsonSerializable {
  private volatile @Nullable T value;

  /** For subclasses. */
  protected MemoJson() {}

  /**
   * Builds the value; called once (or, by racing threads, more than once with the same result).
   *
   * @return the value
   */
  protected abstract T build();

  /**
   * The value, built on first use.
   *
   * @return the value
   */
  public final T value() {
    T v = value;
    if (v == null) {
      v = build();
      value = v;
    }
    return v;
  }

  @Override
  public final void serialize(JsonGenerator gen, SerializerProvider serializers)
      throws IOException {
    gen.writeTree(value());
  }

  @Override
  public final void serializeWithType(
      JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
      throws IOException {
    serialize(gen, serializers);
  }

  @Override
  public String toString() {
    return value().toString();
  }
}

package dev.braintrust.reactive.core.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.braintrust.reactive.core.attachment.Attachment;
import java.io.IOException;
import java.util.AbstractList;
import java.util.List;

/**
 * A row value built later (a {@link LazyJson} or a wrapper's own lazy value) that still shows the
 * exporter the attachments it will hold. The exporter finds a row's attachments when the span ends
 * by walking its lists and Jackson nodes, and never writes them itself; Jackson writes a {@link
 * POJONode} by the value's own {@link JsonSerializable#serialize}. So the carrier is a list of the
 * attachments to the one and the value's JSON, built on the encoder's thread, to the other.
 */
public final class AttachmentCarrier extends AbstractList<Attachment> implements JsonSerializable {
  private final JsonSerializable value;
  private final List<Attachment> attachments;

  private AttachmentCarrier(JsonSerializable value, List<Attachment> attachments) {
    this.value = value;
    this.attachments = attachments;
  }

  /** {@code value}, written when the row is encoded, carrying {@code attachments}. */
  public static JsonNode of(JsonSerializable value, List<Attachment> attachments) {
    return new POJONode(new AttachmentCarrier(value, List.copyOf(attachments)));
  }

  @Override
  public Attachment get(int index) {
    return attachments.get(index);
  }

  @Override
  public int size() {
    return attachments.size();
  }

  @Override
  public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
    value.serialize(gen, serializers);
  }

  @Override
  public void serializeWithType(
      JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
      throws IOException {
    serialize(gen, serializers);
  }

  // A list's equality would compare the attachments only: this value is itself.
  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}

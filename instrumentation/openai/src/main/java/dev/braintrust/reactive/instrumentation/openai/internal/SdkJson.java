package dev.braintrust.reactive.instrumentation.openai.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import dev.braintrust.reactive.core.attachment.AttachmentConverter;
import java.io.IOException;

/**
 * A client model object written with the client's own Jackson mapper when the row is encoded: off
 * the caller's thread, by the exporter. The client's models are immutable, so writing them later is
 * safe. Its mapper must write the nested values too (its union types write their members through
 * the generator's codec), or another mapper's defaults would add properties such as {@code valid};
 * so the encoder's generator is handed over behind a delegate whose codec is the client's.
 */
final class SdkJson implements JsonSerializable {
  // The client's mapper configures nothing that would leak into the encoder's generator.
  private static final JsonMapper MAPPER = ObjectMappers.jsonMapper();
  private static final ObjectWriter WRITER = MAPPER.writer();

  private final Object value;

  SdkJson(Object value) {
    this.value = value;
  }

  /**
   * {@code value} with its inline media (data URIs, base64 audio) as attachments, read into a tree
   * now; {@code value} itself when it holds none or conversion is off.
   */
  static Object withAttachments(Object value) {
    if (!AttachmentConverter.enabled()
        || value instanceof String
        || (value instanceof SdkJson s && TextOnly.chatMessages(s.value))) {
      return value;
    }
    JsonNode tree =
        value instanceof JsonNode j
            ? j
            : MAPPER.valueToTree(value instanceof SdkJson s ? s.value : value);
    JsonNode converted = AttachmentConverter.convert(tree);
    return converted == tree ? value : converted;
  }

  /** {@code value} as a JSON tree, now. */
  static ObjectNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** {@code value} (an object, a list, a field) as a JSON node, now. */
  static JsonNode node(Object value) {
    return MAPPER.valueToTree(value);
  }

  @Override
  public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
    WRITER.writeValue(new ClientCodec(gen), value);
  }

  @Override
  public void serializeWithType(
      JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
      throws IOException {
    serialize(gen, serializers);
  }

  @Override
  public String toString() {
    return value.toString();
  }

  /** The encoder's generator, with the client's mapper as the codec for nested values. */
  private static final class ClientCodec extends JsonGeneratorDelegate {
    ClientCodec(JsonGenerator gen) {
      // Not copying through: writeObject must go through getCodec() below.
      super(gen, false);
    }

    @Override
    public ObjectCodec getCodec() {
      return MAPPER;
    }
  }
}

package dev.braintrust.reactive.instrumentation.bedrock.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.internal.AttachmentCarrier;
import java.io.IOException;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;

/**
 * How a row carries the attachments {@link ConverseMedia} found while its JSON is still to be
 * built.
 */
final class MediaJson {
  private MediaJson() {}

  /**
   * {@code lazy} as a row value whose attachments the exporter finds when the span ends: it walks
   * the row's lists and Jackson nodes for them (and never writes them itself), while Jackson writes
   * a {@link POJONode} by the value's own {@link JsonSerializable#serialize}. So the exporter sees
   * the attachments as a list, and the row gets {@code lazy}'s JSON, built on the encoder's thread.
   */
  static JsonNode carrying(SdkJson.Lazy lazy, List<Attachment> attachments) {
    return AttachmentCarrier.of(lazy, attachments);
  }

  /**
   * One byte source in the row's tree: written when the row is encoded, after the exporter held the
   * row until the upload settled, as the attachment's reference if it was uploaded, else (a failed
   * upload, over the byte budget, a transport that cannot upload) as the original base64, as the
   * spec asks.
   */
  static JsonNode leaf(Attachment attachment, SdkBytes bytes) {
    return new POJONode(new Leaf(attachment, bytes));
  }

  private record Leaf(Attachment attachment, SdkBytes bytes) implements JsonSerializable {
    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
      if (attachment.isUploaded()) {
        serializers.defaultSerializeValue(attachment, gen);
      } else {
        // Base64 as the SDK's wire JSON has it, streamed from the bytes.
        gen.writeBinary(bytes.asByteArrayUnsafe());
      }
    }

    @Override
    public void serializeWithType(
        JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
        throws IOException {
      serialize(gen, serializers);
    }
  }
}

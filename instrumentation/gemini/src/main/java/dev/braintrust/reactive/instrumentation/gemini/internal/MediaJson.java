package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.internal.AttachmentCarrier;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How a row carries the attachments {@link InlineMedia} found while its input is still to be built,
 * and how each medium's part is written.
 */
final class MediaJson {
  private MediaJson() {}

  /**
   * {@code input} as a row value whose attachments the exporter finds when the span ends: it walks
   * the row's lists and Jackson nodes for them (and never writes them itself), while Jackson writes
   * a {@link POJONode} by the value's own {@link JsonSerializable#serialize}. So the exporter sees
   * the attachments as a list, and the row gets {@code input}'s JSON, built on the encoder's
   * thread.
   */
  static JsonNode carrying(LazyJson.Value input, List<InlineMedia.Found> found) {
    Attachment[] attachments = new Attachment[found.size()];
    for (int i = 0; i < attachments.length; i++) {
      attachments[i] = found.get(i).attachment();
    }
    return AttachmentCarrier.of(input, List.of(attachments));
  }

  /**
   * One part holding a medium in {@code member}: written, once the exporter held the row until the
   * upload settled, with that member replaced by {@code image_url: {url: <reference>}} ({@code
   * image}) or {@code file: {file_data: <reference>}} if uploaded, else as it was sent.
   */
  static JsonNode part(Attachment attachment, ObjectNode part, String member, boolean image) {
    return new POJONode(new Part(attachment, part, member, image));
  }

  private record Part(Attachment attachment, ObjectNode part, String member, boolean image)
      implements JsonSerializable {
    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
      if (!attachment.isUploaded()) {
        gen.writeTree(part);
        return;
      }
      // The part's other members (a thought signature, video metadata...) stay, in their order.
      gen.writeStartObject();
      for (Iterator<Map.Entry<String, JsonNode>> it = part.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals(member)) {
          gen.writeFieldName(image ? "image_url" : "file");
          gen.writeStartObject();
          gen.writeFieldName(image ? "url" : "file_data");
          serializers.defaultSerializeValue(attachment, gen);
          gen.writeEndObject();
        } else {
          gen.writeFieldName(e.getKey());
          gen.writeTree(e.getValue());
        }
      }
      gen.writeEndObject();
    }

    @Override
    public void serializeWithType(
        JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
        throws IOException {
      serialize(gen, serializers);
    }
  }
}

package dev.braintrust.reactive.core.attachment.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.ExternalAttachment;
import java.io.IOException;

/**
 * Writes attachments in rows (named by annotation, so the public types don't extend Jackson's): an
 * uploaded {@link Attachment} or one without inline original as its reference, else its original
 * content; an {@link ExternalAttachment} as its reference.
 */
public final class AttachmentJson extends StdSerializer<Object> {
  private static final long serialVersionUID = 1L;

  /** The serializer Jackson instantiates. */
  public AttachmentJson() {
    super(Object.class);
  }

  @Override
  public void serialize(Object value, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    Object json =
        value instanceof Attachment a
            ? AttachmentAccess.get().jsonValue(a)
            : ((ExternalAttachment) value).reference().toMap();
    provider.defaultSerializeValue(json, gen);
  }

  @Override
  public void serializeWithType(
      Object value, JsonGenerator gen, SerializerProvider provider, TypeSerializer typeSer)
      throws IOException {
    serialize(value, gen, provider);
  }
}

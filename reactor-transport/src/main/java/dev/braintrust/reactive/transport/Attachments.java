package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentReference;
import dev.braintrust.reactive.transport.internal.AttachmentUploads;
import java.nio.ByteBuffer;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Attachments of rows: reading back the content an {@link AttachmentReference} found in a {@code
 * fetch} or BTQL result points to, and uploading (the exporter does that by itself). Obtained from
 * {@link BraintrustClient#attachments()}.
 *
 * <pre>{@code
 * for (AttachmentReference ref : AttachmentReference.findAll(row)) {
 *   byte[] content = client.attachments().read(ref).block();
 * }
 * }</pre>
 */
public final class Attachments {
  private final AttachmentUploads uploads;

  Attachments(AttachmentUploads uploads) {
    this.uploads = uploads;
  }

  /**
   * The whole content, in memory.
   *
   * @param reference a reference from a row
   * @return the content; errors if it is not (yet) uploaded or cannot be read
   */
  public Mono<byte[]> read(AttachmentReference reference) {
    return readStream(reference)
        .reduce(
            new java.io.ByteArrayOutputStream(),
            (out, b) -> {
              byte[] chunk = new byte[b.remaining()];
              b.get(chunk);
              out.writeBytes(chunk);
              return out;
            })
        .map(java.io.ByteArrayOutputStream::toByteArray);
  }

  /**
   * The content as it arrives, for large files.
   *
   * @param reference a reference from a row
   * @return the content in chunks; errors if it is not (yet) uploaded or cannot be read
   */
  public Flux<ByteBuffer> readStream(AttachmentReference reference) {
    return uploads.read(Objects.requireNonNull(reference, "reference"));
  }

  /**
   * Uploads an attachment now (request a signed URL, PUT the content, record the status).
   *
   * @param attachment what to upload
   * @return completes once stored
   */
  public Mono<Void> upload(Attachment attachment) {
    return uploads.upload(Objects.requireNonNull(attachment, "attachment"));
  }
}

package dev.braintrust.reactive.core.attachment;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.braintrust.reactive.core.attachment.internal.AttachmentJson;
import java.net.URI;

/**
 * A file the application already stored (in its own bucket, on a CDN): logged as an {@code
 * external_attachment} reference the Braintrust UI renders, nothing is uploaded. Put it anywhere in
 * a span's or event's values, like an {@link Attachment}.
 *
 * <pre>{@code
 * ExternalAttachment scan =
 *     ExternalAttachment.of("s3://my-bucket/scans/42.pdf", "application/pdf", "scan-42.pdf");
 * }</pre>
 */
@JsonSerialize(using = AttachmentJson.class)
public final class ExternalAttachment {
  private final AttachmentReference reference;

  private ExternalAttachment(AttachmentReference reference) {
    this.reference = reference;
  }

  /**
   * An external attachment.
   *
   * @param url where the content is stored (an absolute URL)
   * @param contentType its MIME type
   * @param filename the name shown in the UI
   * @return the attachment
   * @throws IllegalArgumentException if the URL is not absolute or a field is blank
   */
  public static ExternalAttachment of(String url, String contentType, String filename) {
    if (url == null || !URI.create(url).isAbsolute()) {
      throw new IllegalArgumentException("external attachment url must be absolute, got " + url);
    }
    if (contentType == null || contentType.isBlank() || filename == null || filename.isBlank()) {
      throw new IllegalArgumentException(
          "external attachment contentType and filename must not be blank");
    }
    return new ExternalAttachment(
        new AttachmentReference(AttachmentReference.EXTERNAL, null, url, filename, contentType));
  }

  /**
   * What this attachment is written as.
   *
   * @return its reference
   */
  public AttachmentReference reference() {
    return reference;
  }

  @Override
  public String toString() {
    return "ExternalAttachment{" + reference.url() + "}";
  }
}

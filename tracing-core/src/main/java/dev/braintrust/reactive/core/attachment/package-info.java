/**
 * Images, PDFs, audio and other files logged with a span: {@link
 * dev.braintrust.reactive.core.attachment.Attachment} (bytes or a file, uploaded to Braintrust's
 * object storage before the row is sent), {@link
 * dev.braintrust.reactive.core.attachment.ExternalAttachment} (a URL already stored elsewhere), the
 * {@link dev.braintrust.reactive.core.attachment.AttachmentReference} both are written as, and
 * {@link dev.braintrust.reactive.core.attachment.AttachmentConverter}, which turns the inline
 * base64 media of LLM requests into attachments.
 */
@NullMarked
package dev.braintrust.reactive.core.attachment;

import org.jspecify.annotations.NullMarked;

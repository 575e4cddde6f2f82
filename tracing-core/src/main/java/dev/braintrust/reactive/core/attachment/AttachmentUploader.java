package dev.braintrust.reactive.core.attachment;

import reactor.core.publisher.Mono;

/**
 * Uploads an attachment's content to Braintrust's object storage. A {@link
 * dev.braintrust.reactive.core.export.Transport} that also implements this (the Reactor Netty
 * {@code BraintrustClient} does) has the exporter upload every {@link Attachment} of a row before
 * the row is sent.
 */
@FunctionalInterface
public interface AttachmentUploader {
  /**
   * Uploads {@code attachment.content()} under {@code attachment.reference().key()} and records the
   * upload's status. Must not block the subscribing thread; retries are the uploader's own.
   *
   * @param attachment what to upload
   * @return completes once the content is stored, errors if it could not be
   */
  Mono<Void> upload(Attachment attachment);
}

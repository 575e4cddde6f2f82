package dev.braintrust.reactive.core.attachment;

/**
 * A snapshot of an exporter's attachment uploads.
 *
 * @param uploaded attachments whose content was stored
 * @param uploadFailed attachments whose upload failed (their rows keep the original content); the
 *     meter {@code braintrust.attachments.upload_failed}
 * @param overBudget attachments not uploaded because the byte budget was full when their row came
 *     (their rows keep the original content)
 * @param heldEvents rows waiting for their uploads now (counted as pending by the exporter)
 * @param heldBytes bytes of content those rows' uploads hold against the budget
 */
public record AttachmentStats(
    long uploaded, long uploadFailed, long overBudget, int heldEvents, long heldBytes) {}

package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.attachment.AttachmentStats;
import dev.braintrust.reactive.core.attachment.AttachmentUploader;
import dev.braintrust.reactive.core.attachment.internal.AttachmentStage;
import dev.braintrust.reactive.core.export.internal.MeterScope;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The exporter's one hook into attachments (issue 30): rows holding attachments wait in an {@link
 * AttachmentStage} for their uploads before they are offered to the buffer, counted as submitted
 * and pending meanwhile; flush waits for the rows held when it was called, shutdown gives them half
 * its deadline. Without an uploading transport every call is a no-op.
 */
final class AttachmentHook {
  static final long DEFAULT_BUDGET_BYTES = 64L * 1024 * 1024;
  static final int DEFAULT_CONCURRENCY = 4;

  private final @Nullable AttachmentStage stage;

  private AttachmentHook(@Nullable AttachmentStage stage) {
    this.stage = stage;
  }

  /** A hook uploading through the builder's transport if it can upload, else a no-op one. */
  static AttachmentHook create(
      BraintrustExporterBuilder b, Consumer<BraintrustEvent> forward, MeterScope scope) {
    return new AttachmentHook(
        b.transport instanceof AttachmentUploader uploader && b.attachmentBudgetBytes > 0
            ? new AttachmentStage(
                uploader, b.attachmentBudgetBytes, b.attachmentConcurrency, forward, scope)
            : null);
  }

  /** Whether the stage took the event (it then forwards it later); never blocks. */
  boolean offer(@Nullable BraintrustEvent event) {
    return stage != null && stage.offer(event);
  }

  /** Completes once the rows held now went on to the buffer. */
  Mono<Void> flushed() {
    return stage == null ? Mono.empty() : Mono.fromFuture(stage.flush(), false);
  }

  /** Stops holding rows; completes once those held went on, at most half of {@code timeout}. */
  CompletableFuture<Void> close(Duration timeout, Scheduler timer) {
    return stage == null
        ? CompletableFuture.completedFuture(null)
        : stage.close(timeout.dividedBy(2), timer);
  }

  /** {@code s} with the rows held here counted as submitted and pending. */
  ExporterStats adjust(ExporterStats s) {
    int held = stage == null ? 0 : stage.heldEvents();
    return held == 0
        ? s
        : new ExporterStats(
            s.submitted() + held,
            s.accepted(),
            s.delivered(),
            s.failed(),
            s.dropped(),
            s.pending() + held,
            s.serializationErrors());
  }

  AttachmentStats stats() {
    return stage == null ? new AttachmentStats(0, 0, 0, 0, 0) : stage.stats();
  }
}

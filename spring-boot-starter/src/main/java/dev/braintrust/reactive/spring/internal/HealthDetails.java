package dev.braintrust.reactive.spring.internal;

import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.ExporterStats;
import java.util.function.BiConsumer;

/**
 * The health indicator's details, shared by the Boot 3.5 indicator and the Boot 4 one (whose {@code
 * Health} type is another class), so both report the same thing.
 */
public final class HealthDetails {
  private HealthDetails() {}

  /**
   * Reports the exporter's queue and delivery state to {@code detail}.
   *
   * @param exporter the exporter to report on
   * @param detail receives each detail's name and value
   * @return whether the exporter is still running ({@code UP}); false once shut down
   */
  public static boolean report(BraintrustExporter exporter, BiConsumer<String, Object> detail) {
    ExporterStats s = exporter.stats();
    int queued = exporter.queued();
    int capacity = exporter.capacity();
    detail.accept("queued", queued);
    detail.accept("capacity", capacity);
    detail.accept(
        "queueFill", capacity == 0 ? 0.0 : Math.round(1000.0 * queued / capacity) / 1000.0);
    detail.accept("pending", s.pending());
    detail.accept("delivered", s.delivered());
    detail.accept("failed", s.failed());
    detail.accept("dropped", s.droppedTotal());
    String backoff = exporter.backoffReason();
    if (backoff != null) {
      detail.accept("backingOff", backoff);
    }
    String lastFailure = exporter.lastFailure();
    if (lastFailure != null) {
      detail.accept("lastError", lastFailure);
    }
    return !exporter.isShutdown();
  }
}

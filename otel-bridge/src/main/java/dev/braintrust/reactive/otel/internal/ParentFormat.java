package dev.braintrust.reactive.otel.internal;

import dev.braintrust.reactive.core.Destination;
import org.jspecify.annotations.Nullable;

/**
 * Writes a destination back in the {@code braintrust.parent} form {@link Destination#parse} reads.
 */
public final class ParentFormat {
  private ParentFormat() {}

  /**
   * The parent string, or null when the form has no way to say it (an experiment or dataset named
   * by name), in which case nothing is propagated rather than something approximate.
   */
  public static @Nullable String of(Destination d) {
    String id = d.id();
    switch (d.kind()) {
      case PROJECT_LOGS:
        return id != null ? "project_id:" + id : "project_name:" + d.projectName();
      case EXPERIMENT:
        return id != null ? "experiment_id:" + id : null;
      case DATASET:
        return id != null ? "dataset_id:" + id : null;
      default:
        return null;
    }
  }
}

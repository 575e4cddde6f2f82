package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.spring.internal.HealthDetails;
import java.util.Objects;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Reports the exporter under {@code /actuator/health/braintrust}: queue fill, counters, why sending
 * is paused (the server throttling or failing, while events wait) and the last delivery error.
 * Export trouble never makes the application unhealthy (the status stays {@code UP}, a load
 * balancer must not pull an instance because tracing is behind); only a shut down exporter is
 * {@code OUT_OF_SERVICE}. Watch the details, or the {@code braintrust.*} meters.
 */
public final class BraintrustHealthIndicator extends AbstractHealthIndicator {
  private final BraintrustExporter exporter;

  /**
   * An indicator for {@code exporter}.
   *
   * @param exporter the exporter to report on
   */
  public BraintrustHealthIndicator(BraintrustExporter exporter) {
    super("Braintrust exporter health check failed");
    this.exporter = Objects.requireNonNull(exporter, "exporter");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    if (HealthDetails.report(exporter, builder::withDetail)) {
      builder.up();
    } else {
      builder.outOfService();
    }
  }
}

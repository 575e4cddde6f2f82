package dev.braintrust.reactive.spring.boot4;

import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.spring.internal.HealthDetails;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code /actuator/health/braintrust} on Spring Boot 4: the exporter's queue and delivery state,
 * the same details as on Boot 3.5. It stays {@code UP} when delivery fails (tracing must not get an
 * instance pulled); {@code OUT_OF_SERVICE} once the exporter is shut down.
 */
public final class BraintrustBoot4HealthIndicator extends AbstractHealthIndicator {
  private final BraintrustExporter exporter;

  /**
   * An indicator reporting on {@code exporter}.
   *
   * @param exporter the exporter to report on
   */
  public BraintrustBoot4HealthIndicator(BraintrustExporter exporter) {
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

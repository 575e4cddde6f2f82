package dev.braintrust.reactive.spring.boot4;

import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.spring.BraintrustAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@link BraintrustBoot4HealthIndicator} when Spring Boot 4's {@code spring-boot-health} is
 * present (Actuator brings it); {@code management.health.braintrust.enabled=false} turns it off.
 */
@AutoConfiguration(after = BraintrustAutoConfiguration.class)
@ConditionalOnClass(
    name = {
      "org.springframework.boot.health.contributor.AbstractHealthIndicator",
      "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator"
    })
@ConditionalOnBean(BraintrustExporter.class)
@ConditionalOnEnabledHealthIndicator("braintrust")
public class BraintrustBoot4HealthAutoConfiguration {

  /**
   * Reports the exporter's queue and last delivery error.
   *
   * @param exporter the exporter to report on
   * @return the health indicator
   */
  @Bean
  @ConditionalOnMissingBean(name = "braintrustHealthIndicator")
  public BraintrustBoot4HealthIndicator braintrustHealthIndicator(BraintrustExporter exporter) {
    return new BraintrustBoot4HealthIndicator(exporter);
  }
}

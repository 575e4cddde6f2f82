package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.export.BraintrustExporter;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@link BraintrustHealthIndicator} when Spring Boot Actuator is present. */
@AutoConfiguration(after = BraintrustAutoConfiguration.class)
@ConditionalOnClass(
    name = {
      "org.springframework.boot.actuate.health.AbstractHealthIndicator",
      "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator"
    })
@ConditionalOnBean(BraintrustExporter.class)
@ConditionalOnEnabledHealthIndicator("braintrust")
public class BraintrustHealthAutoConfiguration {

  /**
   * Reports the exporter's queue and last delivery error.
   *
   * @param exporter the exporter to report on
   * @return the health indicator
   */
  @Bean
  @ConditionalOnMissingBean(name = "braintrustHealthIndicator")
  public BraintrustHealthIndicator braintrustHealthIndicator(BraintrustExporter exporter) {
    return new BraintrustHealthIndicator(exporter);
  }
}

package dev.braintrust.reactive.spring.boot4;

import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.spring.BraintrustAutoConfiguration;
import dev.braintrust.reactive.spring.BraintrustExchangeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Adds {@link BraintrustExchangeFilter} to every {@code WebClient.Builder} Spring Boot 4 provides
 * ({@code spring-boot-webclient}), so calls made inside a traced operation are child spans and
 * carry {@code traceparent}.
 */
@AutoConfiguration(after = BraintrustAutoConfiguration.class)
@ConditionalOnClass(
    name = {
      "org.springframework.web.reactive.function.client.WebClient",
      "org.springframework.boot.webclient.WebClientCustomizer"
    })
@ConditionalOnBooleanProperty(
    name = {"braintrust.enabled", "braintrust.web-client.enabled"},
    matchIfMissing = true)
@ConditionalOnBean(Tracer.class)
public class BraintrustBoot4WebClientAutoConfiguration {

  /**
   * Installs the span filter on each builder.
   *
   * @param tracer the tracer the filter starts spans with
   * @return the customizer
   */
  @Bean
  public WebClientCustomizer braintrustWebClientCustomizer(Tracer tracer) {
    BraintrustExchangeFilter filter = new BraintrustExchangeFilter(tracer);
    return builder -> builder.filter(filter);
  }
}

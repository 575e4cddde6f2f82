package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.Tracer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.web.reactive.function.client.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Adds {@link BraintrustExchangeFilter} to every {@code WebClient.Builder} Spring Boot provides, so
 * calls made inside a traced request are child spans and carry {@code traceparent}.
 */
@AutoConfiguration(after = BraintrustAutoConfiguration.class)
@ConditionalOnClass({WebClient.class, WebClientCustomizer.class})
@ConditionalOnBooleanProperty(
    name = {"braintrust.enabled", "braintrust.web-client.enabled"},
    matchIfMissing = true)
@ConditionalOnBean(Tracer.class)
public class BraintrustWebClientAutoConfiguration {

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

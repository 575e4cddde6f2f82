package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.Tracer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.server.WebFilter;

/** The request span filter ({@link BraintrustWebFilter}) for reactive web applications. */
@AutoConfiguration(after = BraintrustAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(WebFilter.class)
@ConditionalOnBooleanProperty(
    name = {"braintrust.enabled", "braintrust.web.enabled"},
    matchIfMissing = true)
@ConditionalOnBean(Tracer.class)
public class BraintrustWebFluxAutoConfiguration {

  /**
   * One root span per request, named after its route.
   *
   * @param tracer the tracer to start spans with
   * @param properties the starter's properties
   * @return the web filter
   */
  @Bean
  @ConditionalOnMissingBean
  public BraintrustWebFilter braintrustWebFilter(Tracer tracer, BraintrustProperties properties) {
    BraintrustProperties.Web web = properties.getWeb();
    return new BraintrustWebFilter(
        tracer, web.getExcludePaths(), web.isAcceptTraceparent(), web.isTraceStaticResources());
  }
}

package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.Traced;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.spring.internal.TracedBeanPostProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

/**
 * {@link Traced} on Spring beans: classes (no interface needed) and their methods, including {@code
 * Mono}, {@code Flux} and {@code CompletableFuture} results, which end their span on their terminal
 * signal.
 */
@AutoConfiguration(after = BraintrustAutoConfiguration.class)
@ConditionalOnBooleanProperty(
    name = {"braintrust.enabled", "braintrust.traced.enabled"},
    matchIfMissing = true)
public class BraintrustTracedAutoConfiguration {

  /**
   * Static, as bean post-processors must be, so it doesn't instantiate this configuration early.
   *
   * @param tracer the tracer, looked up when first needed
   * @return the post-processor that traces {@code @Traced} beans
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  public static TracedBeanPostProcessor braintrustTracedBeanPostProcessor(
      ObjectProvider<Tracer> tracer) {
    return new TracedBeanPostProcessor(tracer);
  }
}

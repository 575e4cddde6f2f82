package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.transport.AiProxy;
import dev.braintrust.reactive.transport.BraintrustClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The beans an application may inject when there is no API key or tracing is switched off: a {@link
 * BraintrustClient} and an {@link AiProxy} whose every call fails with a {@link
 * dev.braintrust.reactive.core.BraintrustException} saying what to set, so the application starts
 * and the failure names the cause. Ordered after {@link BraintrustAutoConfiguration} so that its
 * exporter never sees this client as a transport to send through.
 */
@AutoConfiguration(after = BraintrustAutoConfiguration.class)
public class BraintrustFallbackAutoConfiguration {
  static final String NO_KEY =
      "no Braintrust API key: set braintrust.api-key (or the BRAINTRUST_API_KEY environment"
          + " variable) to use the Braintrust client";
  static final String DISABLED =
      "Braintrust is switched off (braintrust.enabled=false): the client sends nothing";

  /**
   * A client that sends nothing and fails each call with what is missing.
   *
   * @param properties the starter's properties
   * @return the client
   */
  @Bean
  @ConditionalOnMissingBean
  public BraintrustClient braintrustClient(BraintrustProperties properties) {
    return BraintrustClient.unconfigured(properties.isEnabled() ? NO_KEY : DISABLED);
  }

  /**
   * The AI proxy of whichever client there is; without a key each call fails with what is missing.
   *
   * @param client the client
   * @param tracer the tracer
   * @return the AI proxy
   */
  @Bean
  @ConditionalOnMissingBean
  public AiProxy braintrustAiProxy(BraintrustClient client, Tracer tracer) {
    return client.aiProxy(tracer);
  }
}

package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.transport.BraintrustClientBuilder;

/**
 * Adjusts the auto-configured client's builder after the {@code braintrust.client.*} properties are
 * applied: for what no property covers, such as a trust store, a client certificate or an {@code
 * SslContext}. Every such bean is applied, in {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * BraintrustClientCustomizer mutualTls(KeyStore keys) {
 *   return builder -> builder.clientCertificate(keys, password);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface BraintrustClientCustomizer {
  /**
   * Adjusts the builder.
   *
   * @param builder the client's builder, properties applied
   */
  void customize(BraintrustClientBuilder builder);
}

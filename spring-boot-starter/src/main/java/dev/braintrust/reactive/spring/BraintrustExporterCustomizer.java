package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.export.BraintrustExporterBuilder;

/**
 * Adjusts the auto-configured exporter's builder after the {@code braintrust.exporter.*} properties
 * are applied: for what no property covers, such as masking. Every such bean is applied, in
 * {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * BraintrustExporterCustomizer redactEmails() {
 *   return builder -> builder.mask(v -> v instanceof String s ? EMAIL.matcher(s).replaceAll("***") : v);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface BraintrustExporterCustomizer {
  /**
   * Adjusts the builder.
   *
   * @param builder the exporter's builder, properties applied
   */
  void customize(BraintrustExporterBuilder builder);
}

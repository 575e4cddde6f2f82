/**
 * Spring Boot auto-configuration for Braintrust tracing: {@code braintrust.*} properties ({@link
 * dev.braintrust.reactive.spring.BraintrustProperties}), the client, exporter and tracer beans, the
 * WebFlux request span ({@link dev.braintrust.reactive.spring.BraintrustWebFilter}), {@code
 * WebClient} spans ({@link dev.braintrust.reactive.spring.BraintrustExchangeFilter}),
 * {@code @Traced} on beans, the health indicator and a shutdown that delivers the last spans.
 */
@NullMarked
package dev.braintrust.reactive.spring;

import org.jspecify.annotations.NullMarked;

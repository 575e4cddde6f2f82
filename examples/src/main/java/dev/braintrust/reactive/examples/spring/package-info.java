/**
 * The Spring Boot example: {@link dev.braintrust.reactive.examples.spring.SpringWebFluxExample} is
 * the whole application; {@link dev.braintrust.reactive.examples.spring.SpringExampleDemo} runs it
 * once and shows the spans that arrived.
 */
package dev.braintrust.reactive.examples.spring;

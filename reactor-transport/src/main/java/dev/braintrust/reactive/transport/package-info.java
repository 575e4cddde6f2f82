/**
 * The Braintrust REST API over Reactor Netty: {@link
 * dev.braintrust.reactive.transport.BraintrustClient} is the exporter's transport and the entry
 * point for the request/response endpoints, the AI proxy and function invocation. Nothing here
 * blocks, except {@code close()}.
 */
package dev.braintrust.reactive.transport;

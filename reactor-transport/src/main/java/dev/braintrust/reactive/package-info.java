/**
 * The one-call entry point: {@link dev.braintrust.reactive.Braintrust#fromEnvironment()} sets up a
 * client, a buffered exporter and a tracer from the official Braintrust environment variables, and
 * flushes at JVM exit.
 */
package dev.braintrust.reactive;

/**
 * Not API; may change without notice. Span mapping, context bridging and the state shared by the
 * public OpenTelemetry types; public only so that package can use it.
 */
package dev.braintrust.reactive.otel.internal;

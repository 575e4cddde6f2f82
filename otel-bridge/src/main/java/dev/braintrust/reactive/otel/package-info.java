/**
 * OpenTelemetry SDK integration: {@link dev.braintrust.reactive.otel.BraintrustSpanProcessor}
 * writes finished OTel spans into a tracing-core {@code BraintrustExporter}'s buffer, so an
 * existing OTel setup sends to Braintrust without a second queue; {@link
 * dev.braintrust.reactive.otel.BraintrustSpanExporter} does the same behind a span processor the
 * application already has. {@link dev.braintrust.reactive.otel.SpanFilter} picks which spans go;
 * {@link dev.braintrust.reactive.otel.BraintrustBaggage} carries {@code braintrust.parent} across
 * services in OTel baggage.
 *
 * <p>Both follow OTel's lifecycle rules: {@code shutdown()} may be called any number of times and
 * only the first waits; flushes after it succeed at once and spans after it are not sent.
 */
package dev.braintrust.reactive.otel;

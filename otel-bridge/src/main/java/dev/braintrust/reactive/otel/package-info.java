/**
 * OpenTelemetry SDK integration: {@link dev.braintrust.reactive.otel.BraintrustSpanProcessor}
 * writes finished OTel spans into a tracing-core {@code BraintrustExporter}'s buffer, so an
 * existing OTel setup sends to Braintrust without a second queue; {@link
 * dev.braintrust.reactive.otel.BraintrustSpanExporter} does the same behind a span processor the
 * application already has. {@link dev.braintrust.reactive.otel.SpanFilter} picks which spans go;
 * {@link dev.braintrust.reactive.otel.BraintrustBaggage} carries {@code braintrust.parent} across
 * services in OTel baggage. {@link dev.braintrust.reactive.otel.BraintrustLogRecordProcessor} hands
 * GenAI events that instrumentation emits as log records to the span they were emitted in.
 *
 * <p>GenAI spans become Braintrust rows whichever convention they follow: the current OTel GenAI
 * conventions ({@code gen_ai.input.messages}, ...), OpenInference ({@code llm.input_messages.*},
 * {@code input.value}, ...), Spring AI's observations, or the older {@code gen_ai.prompt.N} form
 * and message events; prompts and completions land in input and output, the operation or span kind
 * in the span type, models and parameters in metadata, token counts in metrics. Explicit {@code
 * braintrust.*} attributes win over all of them.
 *
 * <p>Both follow OTel's lifecycle rules: {@code shutdown()} may be called any number of times and
 * only the first waits; flushes after it succeed at once and spans after it are not sent.
 */
package dev.braintrust.reactive.otel;

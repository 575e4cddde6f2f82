/**
 * OpenTelemetry SDK autoconfigure support: with this module on the class path (or its shaded jar
 * given to the Java agent as an extension), {@code OTEL_TRACES_EXPORTER=braintrust} and {@code
 * BRAINTRUST_API_KEY} send the SDK's spans to Braintrust, with no code.
 *
 * <p>Options, each as a property {@code otel.exporter.braintrust.NAME} or a variable {@code
 * BRAINTRUST_NAME} (dots as underscores): {@code api.key} (required), {@code api.url}, {@code
 * parent} ({@code project_name:NAME}, {@code project_id:ID}, {@code experiment_id:ID}), {@code
 * project}, {@code filter} ({@code all} or {@code ai}), {@code sample.ratio}, {@code capacity},
 * {@code max.batch.events} (default 512, OTel's export batch), {@code max.batch.bytes}, {@code
 * flush.interval}, {@code max.concurrent.requests}, {@code overflow.policy} ({@code drop_newest},
 * {@code drop_oldest}, {@code block}), {@code block.timeout}, {@code shutdown.timeout}, {@code
 * parent.from.baggage} and {@code propagate.parent} (both default true: {@code braintrust.parent}
 * is honoured from, and added to, W3C baggage; turn the first off where callers are not trusted,
 * the second where downstream services must not see the destination).
 */
package dev.braintrust.reactive.otel.autoconfigure;

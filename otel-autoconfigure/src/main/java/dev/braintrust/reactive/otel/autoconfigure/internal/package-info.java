/**
 * Not API; may change without notice. Reading the exporter's settings from autoconfigure
 * properties, and the per-run state that puts our span processor in place of a second batching
 * queue.
 */
package dev.braintrust.reactive.otel.autoconfigure.internal;

/**
 * Tracing for the AWS SDK for Java 2.x Bedrock Runtime client: {@link
 * dev.braintrust.reactive.instrumentation.bedrock.BraintrustBedrock} supplies an {@code
 * ExecutionInterceptor} that records every {@code Converse} and {@code ConverseStream} call (sync
 * or async) as a Braintrust {@code llm} span, child of the current span, without changing what the
 * calling code sends or sees.
 */
@NullMarked
package dev.braintrust.reactive.instrumentation.bedrock;

import org.jspecify.annotations.NullMarked;

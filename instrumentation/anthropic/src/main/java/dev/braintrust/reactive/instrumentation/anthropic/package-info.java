/**
 * Tracing for the Anthropic Java SDK: {@link
 * dev.braintrust.reactive.instrumentation.anthropic.BraintrustAnthropic#wrap} returns a client that
 * records every Messages call (sync, async, streamed) as a Braintrust {@code llm} span, child of
 * the current span, without changing what the calling code sees.
 */
@NullMarked
package dev.braintrust.reactive.instrumentation.anthropic;

import org.jspecify.annotations.NullMarked;

/**
 * Tracing for the official OpenAI Java client ({@code com.openai:openai-java}): {@link
 * dev.braintrust.reactive.instrumentation.openai.BraintrustOpenAI#wrap(com.openai.client.OpenAIClient,
 * dev.braintrust.reactive.core.Tracer)} returns a client whose chat completions and embeddings
 * become {@code llm} spans.
 */
@NullMarked
package dev.braintrust.reactive.instrumentation.openai;

import org.jspecify.annotations.NullMarked;

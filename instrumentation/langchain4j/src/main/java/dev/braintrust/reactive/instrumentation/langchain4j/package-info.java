/**
 * Tracing for LangChain4j ({@code dev.langchain4j:langchain4j}): listeners that make chat and
 * embeddings calls {@code llm} spans, and a streaming model wrapper that adds first-token time and
 * cancellation. Start at {@link
 * dev.braintrust.reactive.instrumentation.langchain4j.BraintrustLangChain4j}.
 */
@NullMarked
package dev.braintrust.reactive.instrumentation.langchain4j;

import org.jspecify.annotations.NullMarked;

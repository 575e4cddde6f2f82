/**
 * Tracing for Spring AI ({@code org.springframework.ai}, 1.1 and 2.0): an observation handler that
 * makes every chat and embedding model call an {@code llm} span with the prompt, the reply, model,
 * provider and tokens, and a chat model wrapper that adds first-token time to streams. Start at
 * {@link dev.braintrust.reactive.instrumentation.springai.BraintrustSpringAi}.
 */
@NullMarked
package dev.braintrust.reactive.instrumentation.springai;

import org.jspecify.annotations.NullMarked;

/**
 * Tracing for the Google Gen AI Java SDK ({@code com.google.genai}): {@link
 * dev.braintrust.reactive.instrumentation.gemini.BraintrustGemini#wrap} makes a client record every
 * {@code generateContent}, {@code generateContentStream} and {@code embedContent} call (sync and
 * async) as a Braintrust {@code llm} span, child of the current span, without changing what the
 * calling code sees.
 */
@NullMarked
package dev.braintrust.reactive.instrumentation.gemini;

import org.jspecify.annotations.NullMarked;

/**
 * Not API; may change without notice. The traced transport, span rows and stream assembly behind
 * {@code BraintrustGemini}.
 */
@NullMarked
package dev.braintrust.reactive.instrumentation.gemini.internal;

import org.jspecify.annotations.NullMarked;

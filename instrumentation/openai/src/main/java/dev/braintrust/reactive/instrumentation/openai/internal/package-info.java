/**
 * The OpenAI client proxies, span recording and stream wrappers. Not API; may change without
 * notice.
 */
@NullMarked
package dev.braintrust.reactive.instrumentation.openai.internal;

import org.jspecify.annotations.NullMarked;

/**
 * The LangChain4j listeners, the traced streaming model and the row conversions. Not API; may
 * change without notice.
 */
@NullMarked
package dev.braintrust.reactive.instrumentation.langchain4j.internal;

import org.jspecify.annotations.NullMarked;

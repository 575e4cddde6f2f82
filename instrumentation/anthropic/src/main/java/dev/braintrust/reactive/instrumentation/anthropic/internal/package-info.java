/**
 * Not API; may change without notice. The proxies, span rows and stream watchers behind {@code
 * BraintrustAnthropic}.
 */
@NullMarked
package dev.braintrust.reactive.instrumentation.anthropic.internal;

import org.jspecify.annotations.NullMarked;

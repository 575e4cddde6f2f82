/**
 * Not API; may change without notice. The interceptor, span rows and stream decoding behind {@code
 * BraintrustBedrock}.
 */
@NullMarked
package dev.braintrust.reactive.instrumentation.bedrock.internal;

import org.jspecify.annotations.NullMarked;

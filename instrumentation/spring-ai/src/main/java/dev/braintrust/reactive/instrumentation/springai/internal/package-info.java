/** Implementation of the Spring AI instrumentation; not an API. */
@NullMarked
package dev.braintrust.reactive.instrumentation.springai.internal;

import org.jspecify.annotations.NullMarked;

/**
 * Not API; may change without notice. Lifecycle, AOP, and W3C trace context helpers of the starter.
 */
@NullMarked
package dev.braintrust.reactive.spring.internal;

import org.jspecify.annotations.NullMarked;

/**
 * The test server's machinery: the gateway, router, per-resource handlers and stores. Not API; may
 * change without notice.
 */
@NullMarked
package dev.braintrust.reactive.testkit.internal;

import org.jspecify.annotations.NullMarked;

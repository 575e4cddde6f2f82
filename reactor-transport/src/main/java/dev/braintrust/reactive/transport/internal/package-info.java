/** Not API; may change without notice. */
package dev.braintrust.reactive.transport.internal;

/** The eval runner's internals: one case's span tree, progress output and the summary table. */
package dev.braintrust.reactive.eval.internal;

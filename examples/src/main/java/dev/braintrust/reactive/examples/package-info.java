/** Runnable examples: the quick start against the embedded testkit or a real Braintrust key. */
package dev.braintrust.reactive.examples;

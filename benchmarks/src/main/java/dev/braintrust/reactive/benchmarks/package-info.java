/** JMH and end-to-end benchmarks, each measured against a peer in the same run. */
package dev.braintrust.reactive.benchmarks;

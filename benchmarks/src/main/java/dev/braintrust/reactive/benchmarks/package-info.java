/**
 * JMH and end-to-end benchmarks, each measured against a peer in the same run; {@link
 * dev.braintrust.reactive.benchmarks.AgentBenchmark} compares exporters under the OpenTelemetry
 * Java agent.
 */
package dev.braintrust.reactive.benchmarks;

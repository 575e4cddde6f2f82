/**
 * A demo application for the OpenTelemetry Java agent with the Braintrust extension, and {@link
 * dev.braintrust.reactive.agentit.AgentLauncher}, which runs it in a child JVM; used by this
 * module's integration test and by the agent benchmark. Not a library API.
 */
package dev.braintrust.reactive.agentit;

/**
 * The exporter's transport on the JDK HttpClient ({@link
 * dev.braintrust.reactive.transport.jdk.JdkTransport}): inserts and attachment uploads with no
 * Netty, as the Java agent extension sends them.
 */
package dev.braintrust.reactive.transport.jdk;

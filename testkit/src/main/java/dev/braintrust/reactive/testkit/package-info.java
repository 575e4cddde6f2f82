/**
 * An in-process, Braintrust-compatible API server for tests and offline quick starts: {@link
 * dev.braintrust.reactive.testkit.BraintrustTestServer}, its JUnit 5 extension, scripted {@link
 * dev.braintrust.reactive.testkit.Fault faults} and {@link
 * dev.braintrust.reactive.testkit.RecordedRequest recorded requests}.
 */
@NullMarked
package dev.braintrust.reactive.testkit;

import org.jspecify.annotations.NullMarked;

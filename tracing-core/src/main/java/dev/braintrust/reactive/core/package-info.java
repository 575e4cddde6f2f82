/**
 * The span API: {@link dev.braintrust.reactive.core.Tracer}, {@link
 * dev.braintrust.reactive.core.Span}, {@link dev.braintrust.reactive.core.Log}, {@link
 * dev.braintrust.reactive.core.Traced @Traced} services, context propagation through Reactor {@code
 * Context} and thread-locals ({@link dev.braintrust.reactive.core.Tracing}), and the event model
 * ({@link dev.braintrust.reactive.core.BraintrustEvent}, {@link
 * dev.braintrust.reactive.core.Destination}). Finished spans go to a {@link
 * dev.braintrust.reactive.core.SpanSink}, usually the bounded buffer in {@link
 * dev.braintrust.reactive.core.export}.
 */
@NullMarked
package dev.braintrust.reactive.core;

import org.jspecify.annotations.NullMarked;

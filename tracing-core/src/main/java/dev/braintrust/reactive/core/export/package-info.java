/**
 * The export pipeline: the bounded, batching buffer ({@link
 * dev.braintrust.reactive.core.export.BraintrustExporter}), its overflow policies and counters, and
 * the {@link dev.braintrust.reactive.core.export.Transport} SPI that delivers encoded batches.
 */
@NullMarked
package dev.braintrust.reactive.core.export;

import org.jspecify.annotations.NullMarked;

/**
 * The export pipeline: the bounded, batching buffer ({@link
 * dev.braintrust.reactive.core.export.BraintrustExporter}), its overflow policies and counters, and
 * the {@link dev.braintrust.reactive.core.export.Transport} SPI that delivers encoded batches, and
 * the options around them: a byte budget, a {@link dev.braintrust.reactive.core.export.Masker}
 * applied before buffering, and an optional disk spool ({@link
 * dev.braintrust.reactive.core.export.SpoolOptions}; its file format is documented in {@code
 * dev.braintrust.reactive.core.export.internal}).
 */
@NullMarked
package dev.braintrust.reactive.core.export;

import org.jspecify.annotations.NullMarked;

/** Not API; may change without notice. Encoding, ids, time and validation helpers. */
@NullMarked
package dev.braintrust.reactive.core.internal;

import org.jspecify.annotations.NullMarked;

/** Implementation of attachments: the exporter's upload stage. Not a public API. */
@NullMarked
package dev.braintrust.reactive.core.attachment.internal;

import org.jspecify.annotations.NullMarked;

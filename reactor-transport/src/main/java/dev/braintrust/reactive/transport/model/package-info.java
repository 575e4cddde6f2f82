/**
 * Typed views of the objects the Braintrust API returns most often, as immutable records. Fields
 * the API adds later are ignored rather than failing; the client's {@code JsonNode} calls stay the
 * escape hatch for everything else.
 */
package dev.braintrust.reactive.transport.model;

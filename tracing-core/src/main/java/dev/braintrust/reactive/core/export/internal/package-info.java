/**
 * Internal parts of the export pipeline (not API): the byte-size estimate, masking, and the disk
 * spool's write-ahead log.
 *
 * <h2>Spool format</h2>
 *
 * <p>A spool directory holds a lock file, {@code spool.lock} (locked with {@code
 * FileChannel.tryLock} by the one exporter using the directory; it contains that process's id), and
 * segment files named {@code segment-NNNNNNNNNNNNNNNNNNNN.log}, the number zero-padded to 20 digits
 * and increasing with age. Segments are read in that order. A third file, {@code spool.acked},
 * holds the position before which every record was acknowledged (or given up), overwritten in place
 * as acknowledgements arrive:
 *
 * <pre>
 * acked   := "BTACKED1" segment offset crc   28 bytes
 * segment := int64, big-endian               the id of the oldest segment not yet deleted
 * offset  := int64, big-endian               a record boundary in it (at least 8)
 * crc     := uint32, big-endian              CRC32C of the 24 bytes before it
 * </pre>
 *
 * <pre>
 * segment := magic record*
 * magic   := "BTSPOOL1"                     8 ASCII bytes (the format's version is the last byte)
 * record  := length crc payload
 * length  := uint32, big-endian             bytes of payload, at least 1
 * crc     := uint32, big-endian             CRC32C (java.util.zip.CRC32C) of payload
 * payload := {"destination":DEST,"row":ROW} UTF-8 JSON, nothing after ROW but the closing brace
 * DEST    := {"kind":K,"id":I} | {"kind":K,"project":P} | {"kind":K,"project":P,"name":N}
 *            K is project_logs, experiment or dataset, as in the REST paths
 * ROW     := the row exactly as sent in an insert request's "events" array (it keeps its "id")
 * </pre>
 *
 * <p>Records are only appended; a file is never rewritten, except that a torn or corrupt tail is
 * cut off when found. Reading a segment stops at its first record that is short, has an impossible
 * length, or fails its checksum: the rest of that segment is skipped and counted ({@code
 * braintrust.spool.corrupt}), and reading goes on with the next segment. A segment is deleted once
 * every record in it was acknowledged by the server or given up for good; segments left when a
 * process stops (or dies) are sent again, in order and from the saved position on, by the next
 * exporter opened on the directory, before any row of its own. A saved position is ignored when its
 * checksum fails or its segment is missing (then every segment is read in full), and segments with
 * smaller ids are deleted unread; new segment ids are always above the saved one. Rows keep their
 * ids, so the server's upsert makes a row sent twice appear once.
 */
@NullMarked
package dev.braintrust.reactive.core.export.internal;

import org.jspecify.annotations.NullMarked;

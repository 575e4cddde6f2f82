package dev.braintrust.reactive.core.export.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.braintrust.reactive.core.Destination;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The spool's on-disk format (see the package documentation): segment names and header, record
 * framing with CRC32C, and the record payload, a JSON object holding the row's destination and the
 * row.
 */
public final class SpoolFormat {
  /** The first 8 bytes of every segment file. */
  public static final byte[] MAGIC = "BTSPOOL1".getBytes(StandardCharsets.US_ASCII);

  /** Bytes before the first record of a segment. */
  public static final int SEGMENT_HEADER = MAGIC.length;

  /** Bytes before each record's payload: its length and its CRC32C, big-endian. */
  public static final int RECORD_HEADER = 8;

  /** The lock file held by the exporter using the directory. */
  public static final String LOCK_FILE = "spool.lock";

  /**
   * The file holding the position (segment id and offset) before which every record was
   * acknowledged, so a restart does not send those again.
   */
  public static final String ACKED_FILE = "spool.acked";

  private static final byte[] ACKED_MAGIC = "BTACKED1".getBytes(StandardCharsets.US_ASCII);
  private static final int ACKED_BYTES = ACKED_MAGIC.length + 8 + 8 + 4;

  private static final String PREFIX = "segment-";
  private static final String SUFFIX = ".log";
  private static final JsonFactory JSON = new JsonFactory();

  private SpoolFormat() {}

  /** The file name of segment {@code id}: zero-padded so names sort as numbers do. */
  public static String segmentName(long id) {
    return String.format(java.util.Locale.ROOT, "%s%020d%s", PREFIX, id, SUFFIX);
  }

  /** The id of a segment file name, or -1 for other files. */
  public static long segmentId(String fileName) {
    if (!fileName.startsWith(PREFIX)
        || !fileName.endsWith(SUFFIX)
        || fileName.length() != PREFIX.length() + 20 + SUFFIX.length()) {
      return -1;
    }
    try {
      return Long.parseLong(fileName.substring(PREFIX.length(), PREFIX.length() + 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** CRC32C of {@code len} bytes at {@code off}. */
  public static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  /** The acknowledged position as its file holds it: magic, segment id, offset, CRC32C. */
  public static byte[] encodeAcked(long segment, long offset) {
    ByteBuffer b = ByteBuffer.allocate(ACKED_BYTES);
    b.put(ACKED_MAGIC).putLong(segment).putLong(offset);
    b.putInt(crc(b.array(), 0, ACKED_BYTES - 4));
    return b.array();
  }

  /** The {segment id, offset} of an acknowledged-position file, or null when it is not one. */
  public static long @Nullable [] decodeAcked(byte[] bytes) {
    if (bytes.length != ACKED_BYTES
        || !java.util.Arrays.equals(
            bytes, 0, ACKED_MAGIC.length, ACKED_MAGIC, 0, ACKED_MAGIC.length)
        || crc(bytes, 0, ACKED_BYTES - 4) != ByteBuffer.wrap(bytes).getInt(ACKED_BYTES - 4)) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, ACKED_MAGIC.length, 16);
    long segment = b.getLong();
    long offset = b.getLong();
    return segment < 0 || offset < SEGMENT_HEADER ? null : new long[] {segment, offset};
  }

  /** Appends one record (header and payload) to {@code out}, which must have room. */
  public static void frame(ByteBuffer out, byte[] payload, int off, int len) {
    out.putInt(len);
    out.putInt(crc(payload, off, len));
    out.put(payload, off, len);
  }

  /**
   * The bytes that start every payload for {@code destination}: {@code {"destination":{...},"row":}.
   * The row's JSON follows, then one closing brace.
   */
  public static byte[] prefix(Destination destination) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96);
    out.writeBytes("{\"destination\":".getBytes(StandardCharsets.UTF_8));
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("kind", destination.kind().pathSegment());
      if (destination.id() != null) {
        g.writeStringField("id", destination.id());
      }
      if (destination.projectName() != null) {
        g.writeStringField("project", destination.projectName());
      }
      if (destination.objectName() != null) {
        g.writeStringField("name", destination.objectName());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.writeBytes(",\"row\":".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** Where a payload's row is, and its destination. */
  public record Decoded(Destination destination, int rowOffset, int rowLength) {}

  /** Reads a payload's destination and finds its row; null when the payload is not well formed. */
  public static @Nullable Decoded decode(byte[] payload) {
    if (payload.length < 2 || payload[payload.length - 1] != '}') {
      return null;
    }
    try (JsonParser p = JSON.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT
          || p.nextToken() != JsonToken.FIELD_NAME
          || !"destination".equals(p.currentName())
          || p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String kind = null;
      String id = null;
      String project = null;
      String name = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        String v = p.getValueAsString();
        switch (field) {
          case "kind" -> kind = v;
          case "id" -> id = v;
          case "project" -> project = v;
          case "name" -> name = v;
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != JsonToken.FIELD_NAME
          || !"row".equals(p.currentName())
          || p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      int start = (int) p.currentTokenLocation().getByteOffset();
      Destination d = destination(kind, id, project, name);
      if (d == null || start <= 0 || start >= payload.length - 1) {
        return null;
      }
      return new Decoded(d, start, payload.length - 1 - start);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static @Nullable Destination destination(
      @Nullable String kind, @Nullable String id, @Nullable String project, @Nullable String name) {
    if (kind == null) {
      return null;
    }
    switch (kind) {
      case "project_logs":
        return id != null
            ? Destination.projectLogs(id)
            : project != null ? Destination.projectLogsByName(project) : null;
      case "experiment":
        return id != null
            ? Destination.experiment(id)
            : project != null && name != null ? Destination.experimentByName(project, name) : null;
      case "dataset":
        return id != null
            ? Destination.dataset(id)
            : project != null && name != null ? Destination.datasetByName(project, name) : null;
      default:
        return null;
    }
  }
}

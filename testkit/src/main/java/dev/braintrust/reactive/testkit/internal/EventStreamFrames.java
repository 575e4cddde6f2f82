package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Encodes messages of the AWS event-stream binary format that Bedrock's {@code ConverseStream}
 * answers with ({@code application/vnd.amazon.eventstream}): a 12-byte prelude (total length,
 * headers length, CRC32 of those eight bytes), the headers, the payload, and a CRC32 of everything
 * before it. Only string headers (type 7) are written; that is all Bedrock sends.
 */
public final class EventStreamFrames {
  /** The content type of an event-stream response. */
  public static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";

  private static final int PRELUDE = 12;
  private static final int TRAILER = 4;
  private static final byte STRING = 7;

  private EventStreamFrames() {}

  /**
   * An {@code event} message of type {@code eventType} with a JSON payload, as Bedrock sends {@code
   * messageStart}, {@code contentBlockDelta}, {@code metadata} and the rest.
   */
  public static byte[] event(String eventType, JsonNode payload) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(":event-type", eventType);
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "event");
    return encode(headers, Json.bytes(payload));
  }

  /**
   * An {@code exception} message, how Bedrock fails a stream that has started, e.g. {@code
   * throttlingException} with {@code {"message": ...}}.
   */
  public static byte[] exception(String exceptionType, JsonNode payload) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(":exception-type", exceptionType);
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "exception");
    return encode(headers, Json.bytes(payload));
  }

  /** One message with these string headers, in order, and this payload. */
  public static byte[] encode(Map<String, String> headers, byte[] payload) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    headers.forEach(
        (name, value) -> {
          byte[] n = name.getBytes(StandardCharsets.UTF_8);
          byte[] v = value.getBytes(StandardCharsets.UTF_8);
          if (n.length > 255) {
            throw new IllegalArgumentException("header name longer than 255 bytes: " + name);
          }
          if (v.length > 0xffff) {
            throw new IllegalArgumentException("header value longer than 65535 bytes: " + name);
          }
          h.write(n.length);
          h.writeBytes(n);
          h.write(STRING);
          h.write(v.length >>> 8);
          h.write(v.length & 0xff);
          h.writeBytes(v);
        });
    byte[] headerBytes = h.toByteArray();
    int total = PRELUDE + headerBytes.length + payload.length + TRAILER;
    ByteBuffer out = ByteBuffer.allocate(total);
    out.putInt(total).putInt(headerBytes.length);
    out.putInt((int) crc(out.array(), 0, 8));
    out.put(headerBytes).put(payload);
    out.putInt((int) crc(out.array(), 0, total - TRAILER));
    return out.array();
  }

  private static long crc(byte[] bytes, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, offset, length);
    return crc.getValue();
  }
}

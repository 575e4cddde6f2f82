package dev.braintrust.reactive.spring.internal;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Span;
import org.jspecify.annotations.Nullable;

/** W3C {@code traceparent} headers: reading the caller's span ids and writing ours. */
public final class Traceparent {
  /** The header name. */
  public static final String HEADER = "traceparent";

  private Traceparent() {}

  /**
   * The caller's span named by a valid header, as a parent whose children go to {@code
   * destination}; null for a missing or malformed header.
   */
  public static @Nullable RemoteParentSpan parse(@Nullable String header, Destination destination) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    // version "-" trace-id(32) "-" parent-id(16) "-" flags; later versions may append fields.
    if (h.length() < 55 || h.charAt(2) != '-' || h.charAt(35) != '-' || h.charAt(52) != '-') {
      return null;
    }
    String version = h.substring(0, 2);
    if (!isHex(version)
        || version.equals("ff")
        || (version.equals("00") && h.length() != 55)
        || (h.length() > 55 && h.charAt(55) != '-')) {
      return null;
    }
    String traceId = h.substring(3, 35);
    String spanId = h.substring(36, 52);
    if (!isHex(traceId)
        || !isHex(spanId)
        || !isHex(h.substring(53, 55))
        || isZero(traceId)
        || isZero(spanId)) {
      return null;
    }
    return new RemoteParentSpan(traceId, spanId, destination);
  }

  /** The header announcing {@code span} as the parent, or null if its ids are not W3C-shaped. */
  public static @Nullable String format(Span span) {
    String traceId = span.rootSpanId();
    String spanId = span.spanId();
    if (traceId.length() != 32 || spanId.length() != 16 || !isHex(traceId) || !isHex(spanId)) {
      return null;
    }
    return "00-" + traceId + "-" + spanId + "-01";
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isZero(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}

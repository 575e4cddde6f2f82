package dev.braintrust.reactive.core.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** The numbers a row writes by hand: span times as seconds, metric values. */
final class JsonNumbers {
  private JsonNumbers() {}

  /**
   * Epoch seconds with microseconds, written by hand into {@code buf} (at least 18 chars; whole
   * seconds below 1e11 have at most 11 digits): {@code Double.toString} was a measurable share of
   * encoding, and microseconds are all a span time carries.
   */
  static void writeSeconds(JsonGenerator g, double seconds, char[] buf) throws IOException {
    if (seconds < 0 || seconds > 1e11) {
      g.writeNumber(seconds);
      return;
    }
    long micros = Math.round(seconds * 1_000_000.0);
    long whole = micros / 1_000_000;
    int frac = (int) (micros % 1_000_000);
    int digits = 1;
    for (long w = whole / 10; w > 0; w /= 10) {
      digits++;
    }
    for (int i = digits - 1; i >= 0; i--) {
      buf[i] = (char) ('0' + whole % 10);
      whole /= 10;
    }
    int at = digits;
    buf[at++] = '.';
    for (int div = 100_000; div > 0; div /= 10) {
      buf[at++] = (char) ('0' + (frac / div) % 10);
    }
    g.writeRawValue(buf, 0, at);
  }

  /** An integral number as a long, any other as a double. */
  static void writeNumber(JsonGenerator g, Number n) throws IOException {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
      g.writeNumber(n.longValue());
    } else {
      g.writeNumber(n.doubleValue());
    }
  }
}

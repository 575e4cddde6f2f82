package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A cursor over JSON text (a request body's {@code String} or a response's UTF-8 bytes) that walks
 * an object's members and steps over values without decoding them: no tokens, strings or contexts
 * are allocated, so skipping a request's contents or a response's candidates costs the caller's
 * thread nothing but the pass over the characters. Only the small values a caller asks for are
 * decoded: counts and model names directly, anything else by Jackson over just that value's text.
 * Every structural character JSON has is ASCII, so UTF-8 bytes are walked byte by byte; malformed
 * text (cut short, unbalanced) throws {@link IOException}.
 */
final class JsonScan {
  private final @Nullable String text;
  private final byte @Nullable [] bytes;
  private final int end;
  private int pos;

  private JsonScan(@Nullable String text, byte @Nullable [] bytes, int end) {
    this.text = text;
    this.bytes = bytes;
    this.end = end;
  }

  /** A cursor over a {@code String} or the UTF-8 bytes of a {@code byte[]}. */
  static JsonScan of(Object body) {
    if (body instanceof byte[] b) {
      return new JsonScan(null, b, b.length);
    }
    String s = (String) body;
    return new JsonScan(s, null, s.length());
  }

  /** A cursor over the first {@code size} bytes of {@code bytes}. */
  static JsonScan of(byte[] bytes, int size) {
    return new JsonScan(null, bytes, size);
  }

  /** A cursor over the bytes of {@code bytes} from {@code start} to {@code end}. */
  static JsonScan of(byte[] bytes, int start, int end) {
    JsonScan s = new JsonScan(null, bytes, end);
    s.pos = start;
    return s;
  }

  private int at(int i) {
    return text != null ? text.charAt(i) : bytes[i] & 0xff;
  }

  /** Enters the object the text starts with, or the object under the cursor. */
  void enterObject() throws IOException {
    expect('{');
  }

  /** Enters the array under the cursor. */
  void enterArray() throws IOException {
    expect('[');
  }

  /**
   * Moves to the next element of the array entered, leaving the cursor on it; false at the array's
   * end.
   */
  boolean nextElement() throws IOException {
    int c = peek();
    if (c == ']') {
      pos++;
      return false;
    }
    if (c == ',') {
      pos++;
      peek();
    }
    return true;
  }

  /**
   * Moves to the next member of the object entered and returns where its name starts (after the
   * quote), leaving the cursor on the member's value; -1 at the object's end.
   */
  int nextMember() throws IOException {
    int c = peek();
    if (c == ',') {
      pos++;
      c = peek();
    }
    if (c == '}') {
      pos++;
      return -1;
    }
    if (c != '"') {
      throw error("a member name");
    }
    int name = pos + 1;
    pos = stringEnd(pos);
    expect(':');
    peek();
    return name;
  }

  /** Whether the member name starting at {@code name} is {@code expected} (names are ASCII). */
  boolean nameIs(int name, String expected) {
    int n = expected.length();
    if (name + n >= end || at(name + n) != '"') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (at(name + i) != expected.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The character the value under the cursor starts with. */
  int valueStart() throws IOException {
    return peek();
  }

  /** Steps over the value under the cursor. */
  void skipValue() throws IOException {
    int c = peek();
    if (c == '"') {
      pos = stringEnd(pos);
    } else if (c == '{' || c == '[') {
      int depth = 0;
      while (true) {
        if (pos >= end) {
          throw error("the end of an object or array");
        }
        int d = at(pos);
        if (d == '"') {
          pos = stringEnd(pos);
          continue;
        }
        pos++;
        if (d == '{' || d == '[') {
          depth++;
        } else if ((d == '}' || d == ']') && --depth == 0) {
          return;
        }
      }
    } else {
      int start = pos;
      while (pos < end && !delimiter(at(pos))) {
        pos++;
      }
      if (pos == start) {
        throw error("a value");
      }
    }
  }

  /** The value under the cursor, an integer, as a long; -1 (and skipped) if it is not one. */
  long longValue() throws IOException {
    int start = pos;
    long v = 0;
    while (pos < end && at(pos) >= '0' && at(pos) <= '9' && pos - start < 18) {
      v = v * 10 + (at(pos) - '0');
      pos++;
    }
    if (pos == start || (pos < end && !delimiter(at(pos)))) {
      pos = start;
      skipValue();
      return -1;
    }
    return v;
  }

  /**
   * The scalar under the cursor as the value Jackson's tree would write the same way: a number
   * ({@code Integer}, {@code Long} or {@code Double}), a string or a boolean; anything else (an
   * array, an object, a huge number) as a tree.
   */
  Object scalar() throws IOException {
    int c = peek();
    if (c == '"') {
      String s = string();
      return s != null ? s : tree();
    }
    int start = pos;
    if (c == 't' || c == 'f') {
      skipValue();
      if (pos - start == (c == 't' ? 4 : 5)) {
        return c == 't';
      }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      skipValue();
      boolean integer = pos - start <= 18;
      for (int i = start; i < pos && integer; i++) {
        int d = at(i);
        integer = (d >= '0' && d <= '9') || (d == '-' && i == start && pos - start > 1);
      }
      if (integer) {
        long v = 0;
        for (int i = c == '-' ? start + 1 : start; i < pos; i++) {
          v = v * 10 + (at(i) - '0');
        }
        v = c == '-' ? -v : v;
        return v == (int) v ? Integer.valueOf((int) v) : Long.valueOf(v);
      }
      double fast = decimal(start, pos);
      if (!Double.isNaN(fast)) {
        return fast;
      }
      try {
        return Double.valueOf(slice(start, pos));
      } catch (NumberFormatException e) {
        // Not a plain number: Jackson says what it is.
      }
    }
    pos = start;
    return tree();
  }

  /**
   * A plain decimal ({@code -12.5}, no exponent) of at most 15 digits, or NaN for anything else.
   * Clinger's fast path: such a significand and a power of ten up to 10^22 are exact doubles and
   * one division rounds correctly, so this equals {@code Double.parseDouble} without its string.
   */
  private double decimal(int start, int stop) {
    int i = at(start) == '-' ? start + 1 : start;
    long significand = 0;
    int digits = 0;
    int fraction = -1;
    for (; i < stop; i++) {
      int c = at(i);
      if (c == '.' && fraction < 0) {
        fraction = 0;
      } else if (c >= '0' && c <= '9' && ++digits <= 15) {
        significand = significand * 10 + (c - '0');
        if (fraction >= 0) {
          fraction++;
        }
      } else {
        return Double.NaN;
      }
    }
    if (digits == 0 || fraction == 0) {
      return Double.NaN;
    }
    double v = fraction > 0 ? significand / POW10[fraction] : significand;
    return at(start) == '-' ? -v : v;
  }

  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
  };

  private String slice(int start, int stop) {
    return text != null
        ? text.substring(start, stop)
        : new String(bytes, start, stop - start, StandardCharsets.ISO_8859_1);
  }

  /** The value under the cursor as Jackson reads it (a number, string, array or object). */
  JsonNode tree() throws IOException {
    int start = pos;
    skipValue();
    return text != null
        ? GeminiRows.MAPPER.readTree(text.substring(start, pos))
        : GeminiRows.MAPPER.readTree(bytes, start, pos - start);
  }

  /** The string under the cursor, decoded by Jackson if it has escapes; null if not a string. */
  @Nullable String string() throws IOException {
    if (peek() != '"') {
      skipValue();
      return null;
    }
    int start = pos + 1;
    int close = stringEnd(pos) - 1;
    if (escaped(start, close)) {
      return tree().asText();
    }
    pos = close + 1;
    return text != null
        ? text.substring(start, close)
        : new String(bytes, start, close - start, StandardCharsets.UTF_8);
  }

  /** Whether the text from {@code start} to {@code close} holds a backslash. */
  private boolean escaped(int start, int close) {
    String t = text;
    // A long string (an inline medium's base64) is crossed by the vectorised String.indexOf; a
    // short one by hand, as the search would not stop at its end.
    if (t != null && close - start > 64) {
      int b = t.indexOf('\\', start);
      return b >= 0 && b < close;
    }
    for (int i = start; i < close; i++) {
      if (at(i) == '\\') {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the value under the cursor is the string {@code expected} (ASCII, unescaped); if so the
   * cursor moves past it, else it stays.
   */
  boolean stringIs(String expected) throws IOException {
    int n = expected.length();
    int start = pos;
    if (peek() != '"' || start + n + 1 >= end || at(start + n + 1) != '"') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (at(start + 1 + i) != expected.charAt(i)) {
        return false;
      }
    }
    pos = start + n + 2;
    return true;
  }

  /** Whether the value under the cursor is the literal {@code null}. */
  boolean isNull() throws IOException {
    return peek() == 'n';
  }

  /** Skips whitespace and returns the next character without consuming it. */
  private int peek() throws IOException {
    while (pos < end) {
      int c = at(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c;
      }
      pos++;
    }
    throw error("more JSON");
  }

  private void expect(char c) throws IOException {
    if (peek() != c) {
      throw error("'" + c + "'");
    }
    pos++;
  }

  /** The index after the closing quote of the string whose opening quote is at {@code open}. */
  private int stringEnd(int open) throws IOException {
    String t = text;
    if (t != null) {
      // String.indexOf is vectorised: a prompt's long texts are crossed many chars at a time.
      for (int q = t.indexOf('"', open + 1); q >= 0 && q < end; q = t.indexOf('"', q + 1)) {
        int slashes = 0;
        while (t.charAt(q - 1 - slashes) == '\\') {
          slashes++;
        }
        if ((slashes & 1) == 0) {
          return q + 1;
        }
      }
      throw error("the end of a string");
    }
    for (int i = open + 1; i < end; i++) {
      int c = at(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i + 1;
      }
    }
    throw error("the end of a string");
  }

  private static boolean delimiter(int c) {
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private IOException error(String expected) {
    return new IOException("not JSON: expected " + expected + " at offset " + pos);
  }
}

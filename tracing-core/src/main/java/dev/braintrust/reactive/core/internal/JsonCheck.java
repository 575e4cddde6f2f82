package dev.braintrust.reactive.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A strict check (RFC 8259) that a text is exactly one JSON object or array, allocating nothing. A
 * Jackson parser made for the same check cost about a kilobyte of garbage per text (its context,
 * buffers and symbol table), for every prompt recorded as JSON text; this reads the text's UTF-8
 * bytes once (the bytes the row is then written with). Nesting deeper than {@link #MAX_DEPTH} is
 * refused (the caller then keeps a tree or text).
 */
final class JsonCheck {
  /** The deepest nesting accepted, as Jackson's default read constraints. */
  static final int MAX_DEPTH = 1000;

  // Eight bytes at a time inside strings, which are most of a prompt's text.
  private static final VarHandle WORD =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long SPACES = 0x2020202020202020L;

  private final byte[] b;
  private final int n;
  private int i;

  private JsonCheck(byte[] utf8) {
    this.b = utf8;
    this.n = utf8.length;
  }

  /** Whether {@code text} is one JSON object or array, with only whitespace around it. */
  static boolean isContainer(String text) {
    return isContainer(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Whether {@code utf8} (the UTF-8 form of a Java string, so well-formed UTF-8) is one JSON object
   * or array, with only whitespace around it.
   */
  static boolean isContainer(byte[] utf8) {
    JsonCheck c = new JsonCheck(utf8);
    c.whitespace();
    if (c.i >= c.n || (utf8[c.i] != '{' && utf8[c.i] != '[')) {
      return false;
    }
    if (!c.value(0)) {
      return false;
    }
    c.whitespace();
    return c.i == c.n;
  }

  private boolean value(int depth) {
    if (i >= n) {
      return false;
    }
    switch (b[i]) {
      case '{':
        return container(depth + 1, '}');
      case '[':
        return container(depth + 1, ']');
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  /** An object ({@code close} is '}', its elements members) or an array (']', values). */
  private boolean container(int depth, char close) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    i++;
    whitespace();
    if (at(close)) {
      i++;
      return true;
    }
    while (true) {
      if (!(close == '}' ? member(depth) : value(depth))) {
        return false;
      }
      whitespace();
      if (at(',')) {
        i++;
        whitespace();
      } else if (at(close)) {
        i++;
        return true;
      } else {
        return false;
      }
    }
  }

  /** {@code "name": value}. */
  private boolean member(int depth) {
    if (!at('"') || !string()) {
      return false;
    }
    whitespace();
    if (!at(':')) {
      return false;
    }
    i++;
    whitespace();
    return value(depth);
  }

  /**
   * Whether the word holds a byte that ends a run of plain string content: a quote, a backslash or
   * a control character (below 0x20). Bytes of multi-byte UTF-8 sequences (0x80 and up) are plain.
   */
  private static boolean special(long w) {
    long quote = w ^ QUOTES;
    long backslash = w ^ BACKSLASHES;
    // Per byte: (x - 1) & ~x has the high bit set where x was 0 (and x - 0x20 where x < 0x20),
    // masked to bytes whose own high bit is clear; exact for "is any byte so".
    long zeros =
        ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((w - SPACES) & ~w);
    return (zeros & HIGHS) != 0;
  }

  private boolean string() {
    byte[] b = this.b;
    int n = this.n;
    int j = i + 1;
    while (true) {
      while (j + 8 <= n && !special((long) WORD.get(b, j))) {
        j += 8;
      }
      // Byte by byte up to the word's special byte (or the end), then words again.
      while (true) {
        if (j >= n) {
          return false;
        }
        int c = b[j++] & 0xFF;
        if (c >= 0x20 && c != '"' && c != '\\') {
          continue;
        }
        if (c == '"') {
          i = j;
          return true;
        }
        if (c < 0x20 || j >= n) {
          return false;
        }
        switch (b[j++]) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
            break;
          case 'u':
            if (j + 4 > n) {
              return false;
            }
            for (int k = 0; k < 4; k++) {
              if (!hex(b[j + k])) {
                return false;
              }
            }
            j += 4;
            break;
          default:
            return false;
        }
        break;
      }
    }
  }

  private static boolean hex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private boolean number() {
    if (at('-')) {
      i++;
    }
    if (at('0')) {
      i++;
    } else if (!digits()) {
      return false;
    }
    if (at('.')) {
      i++;
      if (!digits()) {
        return false;
      }
    }
    if (at('e') || at('E')) {
      i++;
      if (at('+') || at('-')) {
        i++;
      }
      return digits();
    }
    return true;
  }

  /** One or more digits. */
  private boolean digits() {
    int start = i;
    while (i < n && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i > start;
  }

  private boolean literal(String word) {
    int len = word.length();
    if (i + len > n) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      if (b[i + k] != word.charAt(k)) {
        return false;
      }
    }
    i += len;
    return true;
  }

  private boolean at(char c) {
    return i < n && b[i] == c;
  }

  private void whitespace() {
    while (i < n) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }
}

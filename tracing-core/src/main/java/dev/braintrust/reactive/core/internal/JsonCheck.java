package dev.braintrust.reactive.core.internal;

/**
 * A strict check (RFC 8259) that a text is exactly one JSON object or array, allocating nothing. A
 * Jackson parser made for the same check cost about a kilobyte of garbage per text (its context,
 * buffers and symbol table), for every prompt recorded as JSON text; this reads the characters
 * once. Nesting deeper than {@link #MAX_DEPTH} is refused (the caller then keeps a tree or text).
 */
final class JsonCheck {
  /** The deepest nesting accepted, as Jackson's default read constraints. */
  static final int MAX_DEPTH = 1000;

  private final String s;
  private final int n;
  private int i;

  private JsonCheck(String s) {
    this.s = s;
    this.n = s.length();
  }

  /** Whether {@code text} is one JSON object or array, with only whitespace around it. */
  static boolean isContainer(String text) {
    JsonCheck c = new JsonCheck(text);
    c.whitespace();
    if (c.i >= c.n || (text.charAt(c.i) != '{' && text.charAt(c.i) != '[')) {
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
    switch (s.charAt(i)) {
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

  private boolean string() {
    i++;
    while (i < n) {
      char c = s.charAt(i++);
      if (c == '"') {
        return true;
      }
      if (c < 0x20) {
        return false;
      }
      if (c == '\\') {
        if (i >= n) {
          return false;
        }
        switch (s.charAt(i++)) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
            break;
          case 'u':
            if (i + 4 > n) {
              return false;
            }
            for (int k = 0; k < 4; k++) {
              if (Character.digit(s.charAt(i + k), 16) < 0) {
                return false;
              }
            }
            i += 4;
            break;
          default:
            return false;
        }
      }
    }
    return false;
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
    while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i > start;
  }

  private boolean literal(String word) {
    if (s.startsWith(word, i)) {
      i += word.length();
      return true;
    }
    return false;
  }

  private boolean at(char c) {
    return i < n && s.charAt(i) == c;
  }

  private void whitespace() {
    while (i < n) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }
}

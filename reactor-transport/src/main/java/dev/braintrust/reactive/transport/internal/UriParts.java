package dev.braintrust.reactive.transport.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Percent-encoding for values placed in a URL by this client. */
public final class UriParts {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private UriParts() {}

  /**
   * {@code value} as exactly one path segment: every byte but RFC 3986's unreserved characters is
   * percent-encoded, so an id holding {@code /}, {@code ?}, {@code #} or {@code ..} can't reach
   * another route. A segment of only dots is encoded too, since servers resolve dot segments.
   */
  public static String segment(String value) {
    if (value.equals(".") || value.equals("..")) {
      return value.replace(".", "%2E");
    }
    return encode(value);
  }

  /** {@code value} encoded for a query parameter name or value. */
  public static String query(String value) {
    return encode(value);
  }

  /** {@code path?k=v&...} with every key and value encoded; just {@code path} when empty. */
  public static String withQuery(String path, Map<String, String> params) {
    StringBuilder b = new StringBuilder(path);
    char sep = path.indexOf('?') < 0 ? '?' : '&';
    for (Map.Entry<String, String> p : params.entrySet()) {
      b.append(sep).append(query(p.getKey())).append('=').append(query(p.getValue()));
      sep = '&';
    }
    return b.toString();
  }

  /** {@code path} with {@code name=value} once per value, as the API takes a list filter. */
  public static String withRepeated(String path, String name, java.util.List<String> values) {
    StringBuilder b = new StringBuilder(path);
    char sep = path.indexOf('?') < 0 ? '?' : '&';
    for (String v : values) {
      b.append(sep).append(query(name)).append('=').append(query(v));
      sep = '&';
    }
    return b.toString();
  }

  private static String encode(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(bytes.length + 8);
    for (byte x : bytes) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return b.toString();
  }
}

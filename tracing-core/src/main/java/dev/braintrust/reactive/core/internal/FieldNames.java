package dev.braintrust.reactive.core.internal;

import com.fasterxml.jackson.core.io.SerializedString;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Field names and short texts that recur in every row (an HTTP span's attribute keys, a module's
 * name) kept as {@link SerializedString}s, whose UTF-8 bytes are made once: the generator then
 * copies them instead of scanning each character for escapes, which was the largest share of
 * encoding an attribute-heavy row. Only printable ASCII without quotes or backslashes is kept, so
 * the bytes are the same as the generator would write; the cache stops growing at {@link #MAX}
 * entries, so user-made keys cannot grow it without bound.
 */
final class FieldNames {
  static final int MAX = 4096;
  static final int MAX_LENGTH = 128;
  private static final ConcurrentHashMap<String, SerializedString> NAMES =
      new ConcurrentHashMap<>();

  private FieldNames() {}

  /** {@code name} serialised once, or null if it is not kept (then write it as a string). */
  static @Nullable SerializedString of(String name) {
    SerializedString s = NAMES.get(name);
    if (s != null || NAMES.size() >= MAX || !plain(name)) {
      return s;
    }
    s = new SerializedString(name);
    SerializedString earlier = NAMES.putIfAbsent(name, s);
    return earlier != null ? earlier : s;
  }

  private static boolean plain(String name) {
    int n = name.length();
    if (n > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }
}

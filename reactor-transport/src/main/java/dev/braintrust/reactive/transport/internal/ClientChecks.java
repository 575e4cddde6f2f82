package dev.braintrust.reactive.transport.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The build-time checks of client settings; each message names the option it is about. */
public final class ClientChecks {
  private ClientChecks() {}

  /**
   * The base URL without a trailing slash. Plain http is refused unless the host is loopback by
   * address or {@code allowInsecure} is set, because the API key travels in every request.
   */
  public static String baseUrl(@Nullable String url, boolean allowInsecure) {
    Objects.requireNonNull(url, "baseUrl");
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("baseUrl '" + url + "' is not a valid URL", e);
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException(
          "baseUrl '" + url + "' must be an http(s) URL with a host");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "baseUrl '" + url + "' must not carry user info, a query or a fragment");
    }
    if (scheme.equals("http") && !allowInsecure && !isLoopback(host)) {
      throw new IllegalArgumentException(
          "baseUrl '"
              + url
              + "' uses plain http to a non-loopback host;"
              + " use https, or allowInsecureHttp(true) if you really mean it");
    }
    String s = uri.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Whether plain http to {@code host} stays on this machine: {@code localhost}, an IPv4 literal in
   * 127.0.0.0/8 or {@code [::1]}. Decided by address, never by prefix, so a name such as {@code
   * 127.0.0.1.nip.io} (which anyone's DNS may point anywhere) is not loopback.
   */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.equals("[::1]") || h.equals("[0:0:0:0:0:0:0:1]")) {
      return true;
    }
    String[] octets = h.split("\\.", -1);
    if (octets.length != 4) {
      return false;
    }
    for (String o : octets) {
      // Decimal without leading zeros only: other spellings (octal, hex) are parsed differently
      // by different resolvers.
      if (o.isEmpty() || o.length() > 3 || (o.length() > 1 && o.charAt(0) == '0')) {
        return false;
      }
      for (int i = 0; i < o.length(); i++) {
        if (o.charAt(i) < '0' || o.charAt(i) > '9') {
          return false;
        }
      }
      if (Integer.parseInt(o) > 255) {
        return false;
      }
    }
    return octets[0].equals("127");
  }

  /**
   * A header value with surrounding whitespace trimmed (a key read from a file keeps its newline).
   * Control characters inside are refused: CR or LF would let the value inject headers. The message
   * never repeats the value, which may be a secret.
   */
  public static String headerValue(String option, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(option + " must not be null or blank");
    }
    String v = value.strip();
    for (int i = 0; i < v.length(); i++) {
      if (Character.isISOControl(v.charAt(i))) {
        throw new IllegalArgumentException(
            option
                + " must not contain control characters such as CR or LF (found one at index "
                + i
                + ")");
      }
    }
    return v;
  }
}

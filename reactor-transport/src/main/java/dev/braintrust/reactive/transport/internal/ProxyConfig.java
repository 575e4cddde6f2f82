package dev.braintrust.reactive.transport.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP proxy to tunnel through (CONNECT), checked already. Its {@link #toString()} and every
 * message built here leave the password out.
 *
 * @param host the proxy's host name or address
 * @param port the proxy's port
 * @param username for Basic {@code Proxy-Authorization}, or null for none
 * @param password goes with the user name
 * @param nonProxyHosts hosts reached directly, in the JVM's {@code http.nonProxyHosts} syntax:
 *     {@code |}-separated, each may start or end with {@code *}; empty for none
 */
public record ProxyConfig(
    String host,
    int port,
    @Nullable String username,
    @Nullable String password,
    String nonProxyHosts) {

  /** Checks the parts; messages name the option and never repeat the password. */
  public ProxyConfig {
    host = host(host);
    port = port(port);
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException("proxy credentials need both a user name and a password");
    }
    if (username != null) {
      username = ClientChecks.headerValue("proxy user name", username);
      if (username.indexOf(':') >= 0) {
        throw new IllegalArgumentException("proxy user name must not contain ':'");
      }
      password = password(password);
    }
    nonProxyHosts = nonProxyHosts == null ? "" : nonProxyHosts.strip();
  }

  /** A proxy host: a name or address, not a URL; surrounding whitespace trimmed. */
  public static String host(@Nullable String host) {
    String h = ClientChecks.headerValue("proxy host", host);
    if (h.contains("/") || h.contains("@") || h.indexOf(' ') >= 0) {
      throw new IllegalArgumentException(
          "proxy host must be a host name or address, not a URL, got '" + h + "'");
    }
    return h;
  }

  /** A port between 1 and 65535. */
  public static int port(int port) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("proxy port must be between 1 and 65535, got " + port);
    }
    return port;
  }

  private static String password(@Nullable String password) {
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("proxy password must not be null or empty");
    }
    for (int i = 0; i < password.length(); i++) {
      if (Character.isISOControl(password.charAt(i))) {
        throw new IllegalArgumentException(
            "proxy password must not contain control characters (found one at index " + i + ")");
      }
    }
    return password;
  }

  /**
   * Whether requests to {@code host} go direct. Matched case-insensitively against each {@code
   * |}-separated entry: {@code *} alone matches every host, a leading {@code *} matches a suffix, a
   * trailing one a prefix; brackets around IPv6 addresses don't count.
   */
  public boolean bypasses(String host) {
    return matches(nonProxyHosts, host);
  }

  static boolean matches(String pattern, String host) {
    String h = unbracket(host.strip().toLowerCase(Locale.ROOT));
    for (String raw : pattern.split("\\|")) {
      String p = unbracket(raw.strip().toLowerCase(Locale.ROOT));
      if (p.isEmpty()) {
        continue;
      }
      boolean head = p.startsWith("*");
      boolean tail = p.length() > 1 && p.endsWith("*");
      String core = p.substring(head ? 1 : 0, tail ? p.length() - 1 : p.length());
      boolean hit =
          head && tail
              ? h.contains(core)
              : head ? h.endsWith(core) : tail ? h.startsWith(core) : h.equals(core);
      if (hit) {
        return true;
      }
    }
    return false;
  }

  private static String unbracket(String s) {
    return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
  }

  /**
   * A {@code NO_PROXY} value (comma- or space-separated, as curl reads it) in {@link
   * #nonProxyHosts} syntax: {@code example.com} and {@code .example.com} both mean the domain and
   * its subdomains, {@code *} means every host, a {@code :port} suffix is dropped. CIDR ranges are
   * not understood and are returned in {@code unsupported}.
   */
  public static String noProxyPattern(@Nullable String noProxy, List<String> unsupported) {
    if (noProxy == null) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (String raw : noProxy.split("[,\\s]+")) {
      String e = raw.strip().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      if (e.equals("*")) {
        return "*";
      }
      if (e.contains("/")) {
        unsupported.add(e);
        continue;
      }
      e = withoutPort(e);
      if (e.startsWith("*.")) {
        e = e.substring(2);
      } else if (e.startsWith(".")) {
        e = e.substring(1);
      }
      if (e.isEmpty()) {
        continue;
      }
      out.add(e);
      if (!isAddress(e)) {
        out.add("*." + e);
      }
    }
    return String.join("|", out);
  }

  private static String withoutPort(String e) {
    if (e.startsWith("[")) {
      int close = e.indexOf(']');
      return close < 0 ? e : e.substring(0, close + 1);
    }
    int colon = e.indexOf(':');
    // More than one colon: a bare IPv6 address, which has no port.
    return colon >= 0 && colon == e.lastIndexOf(':') ? e.substring(0, colon) : e;
  }

  private static boolean isAddress(String e) {
    return e.startsWith("[") || e.indexOf(':') >= 0 || e.matches("[0-9.]+");
  }

  @Override
  public String toString() {
    return "proxy "
        + host
        + ":"
        + port
        + (username == null ? "" : " as " + username + " (password hidden)")
        + (nonProxyHosts.isEmpty() ? "" : ", not for " + nonProxyHosts);
  }
}

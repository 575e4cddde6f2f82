package dev.braintrust.reactive.transport.internal;

import dev.braintrust.reactive.core.internal.LibraryLog;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a client's proxy comes from: its builder, the {@code HTTPS_PROXY}/{@code NO_PROXY}
 * environment variables, or the JVM's standard proxy settings. The client talks to one host, so
 * whether it is proxied is decided once, when the client is built.
 */
public final class ProxyRouting {
  private static final LibraryLog LOG = LibraryLog.get(ProxyRouting.class);

  private ProxyRouting() {}

  /** {@code proxy}, or null when the target host is one of its non-proxy hosts. */
  public static @Nullable ProxyConfig forTarget(@Nullable ProxyConfig proxy, URI target) {
    return proxy == null || proxy.bypasses(String.valueOf(target.getHost())) ? null : proxy;
  }

  /**
   * The proxy the JVM would use for {@code target}: the default {@link ProxySelector}, which reads
   * {@code https.proxyHost}/{@code https.proxyPort} for https URLs, {@code http.proxyHost}/{@code
   * http.proxyPort} for http ones and {@code http.nonProxyHosts} for both (by default {@code
   * localhost|127.*|[::1]}), or the system's settings with {@code java.net.useSystemProxies}.
   * Credentials come from {@code https.proxyUser}/{@code https.proxyPassword} ({@code http.*} for
   * http URLs), as Reactor Netty reads them. A SOCKS proxy is not supported: the client connects
   * directly and says so.
   */
  public static @Nullable ProxyConfig fromJvm(URI target) {
    ProxySelector selector = ProxySelector.getDefault();
    if (selector == null) {
      return null;
    }
    List<Proxy> proxies;
    try {
      proxies = selector.select(target);
    } catch (RuntimeException e) {
      LOG.warn("the JVM's proxy selector failed for {}; connecting directly: {}", target, e);
      return null;
    }
    if (proxies == null || proxies.isEmpty()) {
      return null;
    }
    Proxy p = proxies.get(0);
    if (p.type() == Proxy.Type.HTTP && p.address() instanceof InetSocketAddress a) {
      String scheme = target.getScheme().toLowerCase(Locale.ROOT);
      String user = System.getProperty(scheme + ".proxyUser");
      String password = System.getProperty(scheme + ".proxyPassword");
      if (user != null && password == null) {
        throw new IllegalArgumentException(
            scheme + ".proxyUser is set but " + scheme + ".proxyPassword is not");
      }
      return new ProxyConfig(a.getHostString(), a.getPort(), user, password, "");
    }
    if (p.type() == Proxy.Type.SOCKS) {
      LOG.warn(
          "the JVM's proxy settings name a SOCKS proxy for {}; only HTTP proxies are supported,"
              + " so the Braintrust client connects directly",
          target.getHost());
    }
    return null;
  }

  /**
   * The proxy named by the environment for {@code target}: {@code https_proxy}/{@code HTTPS_PROXY}
   * for https URLs, {@code http_proxy}/{@code HTTP_PROXY} for http ones (lower case first, as curl
   * reads them), with {@code no_proxy}/{@code NO_PROXY} as its non-proxy hosts. Null when none is
   * set.
   */
  public static @Nullable ProxyConfig fromEnvironment(Map<String, String> env, URI target) {
    String scheme = target.getScheme().toLowerCase(Locale.ROOT);
    String variable = scheme + "_proxy";
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      variable = variable.toUpperCase(Locale.ROOT);
      value = env.get(variable);
    }
    if (value == null || value.isBlank()) {
      return null;
    }
    String noProxy = env.get("no_proxy");
    if (noProxy == null || noProxy.isBlank()) {
      noProxy = env.get("NO_PROXY");
    }
    List<String> unsupported = new java.util.ArrayList<>();
    String nonProxyHosts = ProxyConfig.noProxyPattern(noProxy, unsupported);
    if (!unsupported.isEmpty()) {
      LOG.warn(
          "NO_PROXY entries {} are address ranges, which are not supported; ignored", unsupported);
    }
    return fromUrl(variable, value, nonProxyHosts);
  }

  /**
   * A proxy given as a URL, {@code http://[user:password@]host[:port]} (the scheme may be left out;
   * the port defaults to 80). User and password may be percent-encoded. Messages name {@code
   * variable} and never repeat the value, which may hold the password.
   */
  public static ProxyConfig fromUrl(String variable, String value, String nonProxyHosts) {
    String v = value.strip();
    if (!v.contains("://")) {
      v = "http://" + v;
    }
    URI uri;
    try {
      uri = new URI(v);
    } catch (URISyntaxException e) {
      // The exception's text repeats the input, password included: it is not attached.
      throw new IllegalArgumentException(
          variable + " is not a valid proxy URL (expected http://[user:password@]host:port)");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http")) {
      throw new IllegalArgumentException(
          variable
              + " uses "
              + scheme
              + "://; only http:// proxies are supported (an https API is still reached"
              + " through an encrypted tunnel)");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          variable + " is not a valid proxy URL (expected http://[user:password@]host:port)");
    }
    String user = null;
    String password = null;
    String info = uri.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      try {
        user = decode(colon < 0 ? info : info.substring(0, colon));
        password = colon < 0 ? null : decode(info.substring(colon + 1));
      } catch (IllegalArgumentException badEscape) {
        // Its text quotes the bad part, which may be the password.
        throw new IllegalArgumentException(
            variable + " has a malformed percent-escape in its user name or password");
      }
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException(variable + " names a proxy user but no password");
      }
    }
    return new ProxyConfig(
        uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort(), user, password, nonProxyHosts);
  }

  private static String decode(String s) {
    // URLDecoder reads '+' as a space, which user info doesn't.
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}

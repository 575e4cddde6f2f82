package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.transport.internal.ClientChecks;
import dev.braintrust.reactive.transport.internal.ProxyConfig;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Configures {@link ProxyOptions}; from {@link ProxyOptions#builder()}. Each option is checked when
 * set, and the exception names it; no message repeats the password.
 */
public final class ProxyOptionsBuilder {
  private @Nullable String host;
  private int port;
  private @Nullable String username;
  private @Nullable String password;
  private String nonProxyHosts = "";

  ProxyOptionsBuilder() {}

  /** The proxy's host name or address (required), not a URL. */
  public ProxyOptionsBuilder host(String host) {
    this.host = ProxyConfig.host(host);
    return this;
  }

  /** The proxy's port, 1 to 65535 (required). */
  public ProxyOptionsBuilder port(int port) {
    this.port = ProxyConfig.port(port);
    return this;
  }

  /**
   * Sends {@code Proxy-Authorization: Basic} with these credentials when opening a tunnel. The user
   * name must not contain {@code ':'}; neither may contain control characters.
   */
  public ProxyOptionsBuilder credentials(String username, String password) {
    // Checked together when built; checked here so the error points at this call.
    new ProxyConfig("x", 1, username, password, "");
    this.username = username;
    this.password = password;
    return this;
  }

  /**
   * Hosts reached directly, in the syntax of the JVM's {@code http.nonProxyHosts}: {@code
   * |}-separated, each may start or end with {@code *}, matched case-insensitively, e.g. {@code
   * "*.internal|localhost|127.*"}. Default: none, every request goes through the proxy.
   */
  public ProxyOptionsBuilder nonProxyHosts(String pattern) {
    String p = Objects.requireNonNull(pattern, "nonProxyHosts");
    this.nonProxyHosts = p.isBlank() ? "" : ClientChecks.headerValue("nonProxyHosts", p);
    return this;
  }

  /**
   * The options.
   *
   * @throws IllegalArgumentException when host or port is missing
   */
  public ProxyOptions build() {
    if (host == null) {
      throw new IllegalArgumentException("proxy host must be set");
    }
    if (port == 0) {
      throw new IllegalArgumentException("proxy port must be set");
    }
    return new ProxyOptions(new ProxyConfig(host, port, username, password, nonProxyHosts));
  }
}

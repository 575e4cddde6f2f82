package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.transport.internal.ProxyConfig;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP proxy for {@link BraintrustClientBuilder#proxy}; immutable. Requests are tunnelled with
 * {@code CONNECT}, so TLS runs end to end between the client and the API. Without this option the
 * client follows the JVM's proxy settings ({@code https.proxyHost}, {@code https.proxyPort}, {@code
 * http.nonProxyHosts}, ...); {@link #none()} turns them off.
 *
 * <pre>{@code
 * ProxyOptions.builder()
 *     .host("proxy.corp.example").port(3128)
 *     .credentials("svc-braintrust", password)
 *     .nonProxyHosts("*.internal|localhost")
 *     .build();
 * }</pre>
 *
 * <p>The password is never shown: not by {@link #toString()}, not in exception messages or logs.
 */
public final class ProxyOptions {
  private static final ProxyOptions NONE = new ProxyOptions(null);

  private final @Nullable ProxyConfig config;

  ProxyOptions(@Nullable ProxyConfig config) {
    this.config = config;
  }

  /** A new builder; host and port are required. */
  public static ProxyOptionsBuilder builder() {
    return new ProxyOptionsBuilder();
  }

  /** No proxy: connect directly, whatever the JVM's proxy settings say. */
  public static ProxyOptions none() {
    return NONE;
  }

  /** The proxy, or null for none. */
  @Nullable ProxyConfig config() {
    return config;
  }

  @Override
  public String toString() {
    return "ProxyOptions{" + (config == null ? "none" : config.toString()) + "}";
  }
}

package dev.braintrust.reactive.transport.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * A client's settings, already checked by the builder.
 *
 * @param orgName sent as {@code x-bt-org-name}, or null
 * @param headers extra headers for every request, by name as given
 * @param requestTimeout the response timeout: longest wait for the response to start, then between
 *     reads of it
 * @param connectTimeout longest wait for a TCP connection (to the proxy, when there is one)
 * @param maxIdleTime how long a pooled connection may sit unused before it is closed
 * @param proxy the proxy for the base URL's host, already matched against its non-proxy hosts, or
 *     null to connect directly
 * @param sslContext TLS for https, or null for the JVM's default trust
 * @param loopResources event loops supplied by the caller (then not disposed by the client), or
 *     null for the client's own
 * @param connectionProvider likewise for the connection pool
 */
public record ClientConfig(
    String baseUrl,
    String apiKey,
    @Nullable String impersonateUser,
    @Nullable String orgName,
    Map<String, String> headers,
    boolean gzip,
    int gzipLevel,
    long maxRequestBytes,
    int maxRetries,
    Duration minBackoff,
    Duration maxBackoff,
    Duration maxRetryAfter,
    Duration requestTimeout,
    Duration connectTimeout,
    Duration maxIdleTime,
    int maxConnections,
    @Nullable ProxyConfig proxy,
    @Nullable SslContext sslContext,
    @Nullable Scheduler timer,
    @Nullable MeterRegistry registry,
    @Nullable LoopResources loopResources,
    @Nullable ConnectionProvider connectionProvider) {

  /** Copies the headers. */
  public ClientConfig {
    headers = Map.copyOf(headers);
  }

  @Override
  public String toString() {
    // A record would print every component: the key, header values, the proxy's password.
    return "ClientConfig{"
        + baseUrl
        + (impersonateUser == null ? "" : ", impersonating")
        + (orgName == null ? "" : ", org " + orgName)
        + (proxy == null ? "" : ", " + proxy)
        + "}";
  }
}

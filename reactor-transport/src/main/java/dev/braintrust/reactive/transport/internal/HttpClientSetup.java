package dev.braintrust.reactive.transport.internal;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.AddressResolverGroup;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.netty.transport.NameResolverProvider;
import reactor.netty.transport.ProxyProvider;

/**
 * The Reactor Netty client and pool for a client's settings: timeouts, proxy, TLS and the headers
 * every request carries.
 *
 * <p>Pooled connections are closed after {@code maxIdleTime} unused, checked before each reuse and
 * in the background, and after {@link #MAX_LIFE_TIME} in all, so one that a NAT or load balancer
 * dropped while idle is not picked up. Through a proxy the API's host is named in the {@code
 * CONNECT} request and resolved by the proxy, which inside a corporate network is often the only
 * one that can; TLS then runs end to end through the tunnel.
 */
final class HttpClientSetup {
  /**
   * Longest a pooled connection is used: connections are renewed now and then, so DNS changes and
   * load balancer rebalancing reach long-running clients.
   */
  static final Duration MAX_LIFE_TIME = Duration.ofMinutes(5);

  private HttpClientSetup() {}

  /** The client's own connection pool. */
  static ConnectionProvider pool(ClientConfig c) {
    return ConnectionProvider.builder("braintrust")
        .maxConnections(c.maxConnections())
        .pendingAcquireMaxCount(-1)
        .maxIdleTime(c.maxIdleTime())
        .maxLifeTime(MAX_LIFE_TIME)
        .evictInBackground(c.maxIdleTime())
        .build();
  }

  /**
   * The configured client.
   *
   * @param ownResolver receives the DNS resolver made for the client, which the caller closes; none
   *     is made when requests go through a proxy
   */
  static HttpClient create(
      ClientConfig c,
      ConnectionProvider provider,
      LoopResources loops,
      Consumer<AddressResolverGroup<?>> ownResolver) {
    int connectMillis =
        (int) Math.max(1, Math.min(Integer.MAX_VALUE, c.connectTimeout().toMillis()));
    HttpClient h =
        HttpClient.create(provider)
            .runOn(loops)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis);
    ProxyConfig p = c.proxy();
    if (p == null) {
      // Reactor Netty's default resolver lives in its global resources; ours lives and dies with
      // the client.
      AddressResolverGroup<?> r =
          NameResolverProvider.builder()
              .build()
              .newNameResolverGroup(loops, LoopResources.DEFAULT_NATIVE);
      ownResolver.accept(r);
      h = h.resolver(r);
    } else {
      // Without a resolver of ours, Reactor Netty resolves nothing and leaves it to the proxy.
      h = h.proxy(spec -> proxy(spec, p, connectMillis));
    }
    SslContext tls = c.sslContext();
    if (tls != null) {
      // secure(spec) keeps Reactor Netty's host name verification on.
      h = h.secure(spec -> spec.sslContext(tls));
    }
    String authorization = "Bearer " + c.apiKey();
    @Nullable String impersonate = c.impersonateUser();
    @Nullable String org = c.orgName();
    Map<String, String> extra = c.headers();
    return h.baseUrl(c.baseUrl())
        .compress(true)
        .responseTimeout(c.requestTimeout())
        .headers(
            hs -> {
              hs.set(HttpHeaderNames.AUTHORIZATION, authorization);
              hs.set(HttpHeaderNames.USER_AGENT, RequestHeaders.userAgent());
              hs.set(HttpHeaderNames.ACCEPT, "application/json");
              if (org != null) {
                hs.set(RequestHeaders.ORG_NAME, org);
              }
              if (impersonate != null) {
                hs.set(RequestHeaders.IMPERSONATE_USER, impersonate);
              }
              extra.forEach(hs::set);
            });
  }

  private static void proxy(ProxyProvider.TypeSpec spec, ProxyConfig p, int connectMillis) {
    ProxyProvider.Builder b =
        spec.type(ProxyProvider.Proxy.HTTP)
            .host(p.host())
            .port(p.port())
            .connectTimeoutMillis(connectMillis);
    String user = p.username();
    String password = p.password();
    if (user != null && password != null) {
      b.username(user).password(u -> password);
    }
  }
}

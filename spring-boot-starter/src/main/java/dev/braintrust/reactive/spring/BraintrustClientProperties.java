package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.transport.ProxyOptions;
import dev.braintrust.reactive.transport.ProxyOptionsBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code braintrust.client.*}: the HTTP client for the Braintrust API. Options no property covers
 * (a trust store, a client certificate, an SslContext) are set by a {@link
 * BraintrustClientCustomizer} bean.
 */
public class BraintrustClientProperties {
  /** Time to wait for a response; a timeout is retried. */
  private Duration requestTimeout = Duration.ofSeconds(30);

  /** Retries after the first attempt for connection errors, 408, 429 and 5xx. */
  private int maxRetries = 5;

  /** Most pooled connections. */
  private int maxConnections = 16;

  /** Whether insert bodies are gzip-compressed. */
  private boolean gzip = true;

  /** User id or email sent as x-bt-impersonate-user. */
  private @Nullable String impersonateUser;

  /** Allows plain http to non-loopback hosts (https is required otherwise). */
  private boolean allowInsecureHttp;

  /** {@return {@code request-timeout}: time to wait for a response; a timeout is retried} */
  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  /** Sets {@code request-timeout}: time to wait for a response; a timeout is retried. */
  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  /**
   * {@return {@code max-retries}: retries after the first attempt for connection errors, 408, 429
   * and 5xx}
   */
  public int getMaxRetries() {
    return maxRetries;
  }

  /**
   * Sets {@code max-retries}: retries after the first attempt for connection errors, 408, 429 and
   * 5xx.
   */
  public void setMaxRetries(int maxRetries) {
    this.maxRetries = maxRetries;
  }

  /** {@return {@code max-connections}: most pooled connections} */
  public int getMaxConnections() {
    return maxConnections;
  }

  /** Sets {@code max-connections}: most pooled connections. */
  public void setMaxConnections(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  /** {@return {@code gzip}: whether insert bodies are gzip-compressed} */
  public boolean isGzip() {
    return gzip;
  }

  /** Sets {@code gzip}: whether insert bodies are gzip-compressed. */
  public void setGzip(boolean gzip) {
    this.gzip = gzip;
  }

  /** {@return {@code impersonate-user}: user id or email sent as x-bt-impersonate-user} */
  public @Nullable String getImpersonateUser() {
    return impersonateUser;
  }

  /** Sets {@code impersonate-user}: user id or email sent as x-bt-impersonate-user. */
  public void setImpersonateUser(@Nullable String impersonateUser) {
    this.impersonateUser = impersonateUser;
  }

  /**
   * {@return {@code allow-insecure-http}: allows plain http to non-loopback hosts (https is
   * required otherwise)}
   */
  public boolean isAllowInsecureHttp() {
    return allowInsecureHttp;
  }

  /**
   * Sets {@code allow-insecure-http}: allows plain http to non-loopback hosts (https is required
   * otherwise).
   */
  public void setAllowInsecureHttp(boolean allowInsecureHttp) {
    this.allowInsecureHttp = allowInsecureHttp;
  }

  /** Organization name sent as x-bt-org-name, for API keys that belong to several. */
  private @Nullable String orgName;

  /** Headers sent with every request (a gateway's, say); the client's own cannot be replaced. */
  private Map<String, String> headers = new LinkedHashMap<>();

  /** Time to wait for a connection to open. */
  private Duration connectTimeout = Duration.ofSeconds(10);

  /** How long a pooled connection may stay idle before it is closed. */
  private Duration maxIdleTime = Duration.ofSeconds(20);

  /** gzip level for request bodies, 1 (fastest) to 9. */
  private int gzipLevel = 1;

  /** PEM file of CA certificates to trust instead of the JVM's (a corporate TLS proxy's, say). */
  private @Nullable Path trustedCertificates;

  /** An HTTP proxy; unset, the JVM's proxy settings apply. */
  private final Proxy proxy = new Proxy();

  /** {@return {@code org-name}: organization name sent as x-bt-org-name, or null} */
  public @Nullable String getOrgName() {
    return orgName;
  }

  /** Sets {@code org-name}: organization name sent as x-bt-org-name. */
  public void setOrgName(@Nullable String orgName) {
    this.orgName = orgName;
  }

  /** {@return {@code headers}: headers sent with every request} */
  public Map<String, String> getHeaders() {
    return headers;
  }

  /** Sets {@code headers}: headers sent with every request. */
  public void setHeaders(Map<String, String> headers) {
    this.headers = headers;
  }

  /** {@return {@code connect-timeout}: time to wait for a connection to open} */
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  /** Sets {@code connect-timeout}: time to wait for a connection to open. */
  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /** {@return {@code max-idle-time}: how long a pooled connection may stay idle} */
  public Duration getMaxIdleTime() {
    return maxIdleTime;
  }

  /** Sets {@code max-idle-time}: how long a pooled connection may stay idle. */
  public void setMaxIdleTime(Duration maxIdleTime) {
    this.maxIdleTime = maxIdleTime;
  }

  /** {@return {@code gzip-level}: gzip level for request bodies, 1 to 9} */
  public int getGzipLevel() {
    return gzipLevel;
  }

  /** Sets {@code gzip-level}: gzip level for request bodies, 1 to 9. */
  public void setGzipLevel(int gzipLevel) {
    this.gzipLevel = gzipLevel;
  }

  /** {@return {@code trusted-certificates}: PEM file of CA certificates to trust, or null} */
  public @Nullable Path getTrustedCertificates() {
    return trustedCertificates;
  }

  /** Sets {@code trusted-certificates}: PEM file of CA certificates to trust. */
  public void setTrustedCertificates(@Nullable Path trustedCertificates) {
    this.trustedCertificates = trustedCertificates;
  }

  /** {@return {@code proxy}: the HTTP proxy} */
  public Proxy getProxy() {
    return proxy;
  }

  /**
   * {@code braintrust.client.proxy.*}: an HTTP proxy that requests are tunnelled through; used when
   * a host is set. The password is never logged.
   */
  public static class Proxy {
    /** Proxy host; unset, the JVM's proxy settings apply. */
    private @Nullable String host;

    /** Proxy port. */
    private int port = 3128;

    /** User name for proxy authentication. */
    private @Nullable String username;

    /** Password for proxy authentication. */
    private @Nullable String password;

    /** Hosts reached directly, as in http.nonProxyHosts (for example *.internal|localhost). */
    private @Nullable String nonProxyHosts;

    /** {@return {@code host}: the proxy host, or null} */
    public @Nullable String getHost() {
      return host;
    }

    /** Sets {@code host}: the proxy host. */
    public void setHost(@Nullable String host) {
      this.host = host;
    }

    /** {@return {@code port}: the proxy port} */
    public int getPort() {
      return port;
    }

    /** Sets {@code port}: the proxy port. */
    public void setPort(int port) {
      this.port = port;
    }

    /** {@return {@code username}: the user name for proxy authentication, or null} */
    public @Nullable String getUsername() {
      return username;
    }

    /** Sets {@code username}: the user name for proxy authentication. */
    public void setUsername(@Nullable String username) {
      this.username = username;
    }

    /** {@return {@code password}: the password for proxy authentication, or null} */
    public @Nullable String getPassword() {
      return password;
    }

    /** Sets {@code password}: the password for proxy authentication. */
    public void setPassword(@Nullable String password) {
      this.password = password;
    }

    /** {@return {@code non-proxy-hosts}: hosts reached directly, or null} */
    public @Nullable String getNonProxyHosts() {
      return nonProxyHosts;
    }

    /** Sets {@code non-proxy-hosts}: hosts reached directly. */
    public void setNonProxyHosts(@Nullable String nonProxyHosts) {
      this.nonProxyHosts = nonProxyHosts;
    }

    /** The options these properties give, or null when no host is set. */
    @Nullable ProxyOptions options() {
      if (host == null || host.isBlank()) {
        return null;
      }
      ProxyOptionsBuilder b = ProxyOptions.builder().host(host.trim()).port(port);
      if (username != null && !username.isBlank()) {
        b.credentials(username, password == null ? "" : password);
      }
      if (nonProxyHosts != null && !nonProxyHosts.isBlank()) {
        b.nonProxyHosts(nonProxyHosts);
      }
      return b.build();
    }
  }
}

package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.core.internal.BraintrustEnv;
import dev.braintrust.reactive.core.internal.Validation;
import dev.braintrust.reactive.transport.internal.ClientChecks;
import dev.braintrust.reactive.transport.internal.ClientConfig;
import dev.braintrust.reactive.transport.internal.ProxyConfig;
import dev.braintrust.reactive.transport.internal.ProxyRouting;
import dev.braintrust.reactive.transport.internal.RequestHeaders;
import dev.braintrust.reactive.transport.internal.TlsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Configures a {@link BraintrustClient}; from {@link BraintrustClient#builder()}. Each option is
 * checked when set, and the exception names the option; the API key and the URL are checked again
 * when the client is built.
 *
 * <p>Every request names the library, its version and the Java version in {@code User-Agent}.
 * Behind a corporate network: {@link #proxy} (by default the JVM's proxy settings), {@link
 * #trustedCertificates} or {@link #trustStore} for a private CA, {@link #clientCertificate} for
 * mutual TLS, {@link #orgName} and {@link #header} for identification and routing.
 */
public final class BraintrustClientBuilder {
  private static final List<String> PROXY_VARIABLES =
      List.of("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY");

  private @Nullable String apiKey;
  private String baseUrl = BraintrustClient.US_URL;
  private @Nullable String impersonateUser;
  private @Nullable String orgName;
  // By lower-case name, so a header set twice is sent once, with the last value.
  private final Map<String, Map.Entry<String, String>> headers = new LinkedHashMap<>();
  private boolean gzip = true;
  private int gzipLevel = 1;
  private long maxRequestBytes = 5L * 1024 * 1024;
  private int maxRetries = 5;
  private Duration minBackoff = Duration.ofMillis(200);
  private Duration maxBackoff = Duration.ofSeconds(10);
  private Duration maxRetryAfter = Duration.ofSeconds(60);
  private Duration requestTimeout = Duration.ofSeconds(30);
  private Duration connectTimeout = Duration.ofSeconds(10);
  private Duration maxIdleTime = Duration.ofSeconds(20);
  private int maxConnections = 16;
  // Null: the environment's proxy when read by fromEnvironment, else the JVM's.
  private @Nullable ProxyOptions proxy;
  private @Nullable Map<String, String> proxyEnvironment;
  private @Nullable TrustManagerFactory trust;
  private @Nullable KeyManagerFactory clientKeys;
  private @Nullable SslContext sslContext;
  private boolean allowInsecureHttp;
  private @Nullable Scheduler timer;
  private @Nullable MeterRegistry registry;
  private @Nullable LoopResources loopResources;
  private @Nullable ConnectionProvider connectionProvider;

  BraintrustClientBuilder() {}

  /**
   * The API key (required). Surrounding whitespace is trimmed, so a key read from a file works;
   * control characters inside are refused. It is sent as a Bearer token, and never logged or put in
   * an exception message.
   *
   * @param apiKey the API key
   * @return this builder
   */
  public BraintrustClientBuilder apiKey(String apiKey) {
    this.apiKey = ClientChecks.headerValue("apiKey", apiKey);
    return this;
  }

  /**
   * The API URL: {@link BraintrustClient#US_URL} (default), {@link BraintrustClient#EU_URL} or a
   * self-hosted one. Plain http is accepted only for {@code localhost}, 127.0.0.0/8 and {@code
   * [::1]}, unless {@link #allowInsecureHttp} is set.
   *
   * @param baseUrl the API URL
   * @return this builder
   */
  public BraintrustClientBuilder baseUrl(String baseUrl) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    return this;
  }

  /**
   * Sends {@code x-bt-impersonate-user} with every request; trimmed, control characters refused.
   *
   * @param userIdOrEmail the user to act as, by id or email
   * @return this builder
   */
  public BraintrustClientBuilder impersonateUser(String userIdOrEmail) {
    this.impersonateUser = ClientChecks.headerValue("impersonateUser", userIdOrEmail);
    return this;
  }

  /**
   * Sends {@code x-bt-org-name} with every request, and {@code org_name} when the client creates a
   * project: picks the organisation for an API key that belongs to several. Trimmed, control
   * characters refused.
   */
  public BraintrustClientBuilder orgName(String orgName) {
    this.orgName = ClientChecks.headerValue("orgName", orgName);
    return this;
  }

  /**
   * Adds a header to every request, such as a gateway's routing header. The name must be an HTTP
   * token and not one the client sets itself ({@code Authorization}, {@code User-Agent}, {@code
   * Content-Type}, {@code x-bt-org-name}, ...); the value is trimmed and refused if it holds
   * control characters, and is never repeated in a message. Setting a name again replaces its
   * value.
   */
  public BraintrustClientBuilder header(String name, String value) {
    String n = RequestHeaders.name(name);
    String v = ClientChecks.headerValue("header '" + n + "'", value);
    headers.put(n.toLowerCase(Locale.ROOT), Map.entry(n, v));
    return this;
  }

  /** Whether insert bodies are gzip-compressed (default true). */
  public BraintrustClientBuilder gzip(boolean gzip) {
    this.gzip = gzip;
    return this;
  }

  /**
   * gzip level 1 (fastest, default) to 9 (smallest).
   *
   * @param level the gzip level, 1 to 9
   * @return this builder
   */
  public BraintrustClientBuilder gzipLevel(int level) {
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("gzipLevel must be between 1 and 9, got " + level);
    }
    this.gzipLevel = level;
    return this;
  }

  /**
   * Largest uncompressed insert body (default 5 MiB), reported as {@link
   * BraintrustClient#maxRequestBytes()}: the exporter cuts its batches to fit. The client sends
   * what it is given, and halves a request only when the server answers 413.
   *
   * @param bytes largest uncompressed insert body
   * @return this builder
   */
  public BraintrustClientBuilder maxRequestBytes(long bytes) {
    if (bytes < 64) {
      throw new IllegalArgumentException("maxRequestBytes must be at least 64, got " + bytes);
    }
    this.maxRequestBytes = bytes;
    return this;
  }

  /**
   * Retries after the first attempt (default 5); 0 disables retries.
   *
   * @param n retries after the first attempt
   * @return this builder
   */
  public BraintrustClientBuilder maxRetries(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative, got " + n);
    }
    this.maxRetries = n;
    return this;
  }

  /**
   * Backoff bounds (default 200 ms to 10 s); both must be positive.
   *
   * @param min the first, shortest backoff
   * @param max the longest backoff
   * @return this builder
   */
  public BraintrustClientBuilder backoff(Duration min, Duration max) {
    Objects.requireNonNull(min, "backoff min");
    Objects.requireNonNull(max, "backoff max");
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + ", " + max);
    }
    this.minBackoff = min;
    this.maxBackoff = max;
    return this;
  }

  /**
   * Longest Retry-After honoured (default 60 s), by the client's own retries and by an exporter's
   * back-off alike; longer ones are cut to this.
   *
   * @param max longest Retry-After honoured
   * @return this builder
   */
  public BraintrustClientBuilder maxRetryAfter(Duration max) {
    this.maxRetryAfter = Validation.positive("maxRetryAfter", max);
    return this;
  }

  /**
   * The response timeout (default 30 s): the longest wait for a response to start, and then between
   * two reads of it, so a long event stream is fine while events keep coming. A timeout is retried.
   */
  public BraintrustClientBuilder requestTimeout(Duration timeout) {
    this.requestTimeout = Validation.positive("requestTimeout", timeout);
    return this;
  }

  /**
   * The longest wait for a TCP connection to the API, or to the proxy (default 10 s). A host that
   * doesn't answer fails in 10 s rather than hanging on the system's SYN retries; the request is
   * then retried.
   */
  public BraintrustClientBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = Validation.positive("connectTimeout", timeout);
    return this;
  }

  /**
   * How long a pooled connection may sit unused before the client closes it (default 20 s), checked
   * before each reuse and in the background. Kept below the idle cuts of NATs, load balancers and
   * proxies (commonly 30 s to 5 min), which drop a connection without telling either end, so the
   * next batch doesn't go out on a dead one. Connections are also replaced once 5 minutes old.
   * Unused with {@link #connectionProvider}.
   */
  public BraintrustClientBuilder maxIdleTime(Duration idle) {
    this.maxIdleTime = Validation.positive("maxIdleTime", idle);
    return this;
  }

  /**
   * The HTTP proxy to tunnel through, or {@link ProxyOptions#none()} to connect directly. By
   * default the client follows the JVM's settings: {@code https.proxyHost} and {@code
   * https.proxyPort} for an https URL ({@code http.*} for http), {@code http.nonProxyHosts}
   * (default {@code localhost|127.*|[::1]}), credentials from {@code https.proxyUser} and {@code
   * https.proxyPassword}; {@link BraintrustClient#fromEnvironment()} reads {@code HTTPS_PROXY} and
   * {@code NO_PROXY} first.
   */
  public BraintrustClientBuilder proxy(ProxyOptions proxy) {
    this.proxy = Objects.requireNonNull(proxy, "proxy");
    return this;
  }

  /**
   * Trusts exactly the CA certificates in this key store (a corporate or private CA) instead of the
   * JVM's default ones. Host names are still verified; there is no option to turn checks off.
   */
  public BraintrustClientBuilder trustStore(KeyStore trustStore) {
    this.trust = TlsSettings.trust(Objects.requireNonNull(trustStore, "trustStore"));
    return this;
  }

  /**
   * Trusts exactly the CA certificates in this PEM file (one or more {@code -----BEGIN
   * CERTIFICATE-----} blocks) instead of the JVM's default ones; read now. Behind a TLS-inspecting
   * proxy, its CA is all that is needed. Host names are still verified.
   */
  public BraintrustClientBuilder trustedCertificates(Path pemFile) {
    this.trust = TlsSettings.trust(Objects.requireNonNull(pemFile, "trustedCertificates"));
    return this;
  }

  /**
   * The client's own certificate and key for mutual TLS, from a key store (PKCS#12 or JKS) holding
   * one private key entry. The password unlocks the key now and is not kept.
   */
  public BraintrustClientBuilder clientCertificate(KeyStore keyStore, char[] password) {
    Objects.requireNonNull(keyStore, "clientCertificate keyStore");
    Objects.requireNonNull(password, "clientCertificate password");
    this.clientKeys = TlsSettings.keys(keyStore, password);
    return this;
  }

  /**
   * A complete client TLS context (Netty's {@code SslContextBuilder.forClient()}), for needs the
   * other TLS options don't cover; replaces them. Reactor Netty still verifies host names.
   */
  public BraintrustClientBuilder sslContext(SslContext sslContext) {
    Objects.requireNonNull(sslContext, "sslContext");
    if (!sslContext.isClient()) {
      throw new IllegalArgumentException(
          "sslContext must be a client context (SslContextBuilder.forClient())");
    }
    this.sslContext = sslContext;
    return this;
  }

  /** Most pooled connections (default 16); unused with {@link #connectionProvider}. */
  public BraintrustClientBuilder maxConnections(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("maxConnections must be positive, got " + n);
    }
    this.maxConnections = n;
    return this;
  }

  /**
   * Allows plain http to non-loopback hosts (default false: https only, but for loopback).
   *
   * @param allow whether plain http may go to non-loopback hosts
   * @return this builder
   */
  public BraintrustClientBuilder allowInsecureHttp(boolean allow) {
    this.allowInsecureHttp = allow;
    return this;
  }

  /**
   * The scheduler for retry delays (default {@code Schedulers.parallel()}); a virtual-time one in
   * tests.
   *
   * @param scheduler the scheduler for retry delays
   * @return this builder
   */
  public BraintrustClientBuilder timerScheduler(Scheduler scheduler) {
    this.timer = Objects.requireNonNull(scheduler, "timerScheduler");
    return this;
  }

  /**
   * Where to time HTTP attempts (default: a private {@code SimpleMeterRegistry}).
   *
   * @param registry where to time HTTP attempts
   * @return this builder
   */
  public BraintrustClientBuilder meterRegistry(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "meterRegistry");
    return this;
  }

  /**
   * Event loops to run on, owned by the caller: {@link BraintrustClient#shutdown()} leaves them
   * alone. By default the client creates two daemon threads named {@code braintrust-http-*} and
   * disposes them on shutdown, so it doesn't depend on Reactor Netty's global loops, which an
   * application may dispose before the last batches are out.
   *
   * @param loops event loops to run on
   * @return this builder
   */
  public BraintrustClientBuilder loopResources(LoopResources loops) {
    this.loopResources = Objects.requireNonNull(loops, "loopResources");
    return this;
  }

  /**
   * A connection pool owned by the caller, left alone on shutdown; {@link #maxConnections} then
   * doesn't apply. By default the client creates its own and disposes it on shutdown.
   *
   * @param provider a connection pool owned by the caller
   * @return this builder
   */
  public BraintrustClientBuilder connectionProvider(ConnectionProvider provider) {
    this.connectionProvider = Objects.requireNonNull(provider, "connectionProvider");
    return this;
  }

  /**
   * Reads {@code BRAINTRUST_API_KEY} (required), {@code BRAINTRUST_API_URL} and {@code
   * BRAINTRUST_ORG_NAME} (each from the process environment, else from the nearest {@code
   * .env.braintrust}), and the proxy variables {@code HTTPS_PROXY} ({@code HTTP_PROXY} for an http
   * URL) and {@code NO_PROXY}, either case; the proxy is picked when the client is built, so a
   * later {@link #proxy} wins.
   */
  BraintrustClientBuilder fromEnvironment(BraintrustEnv env) {
    String key = env.get("BRAINTRUST_API_KEY");
    if (key == null) {
      throw new IllegalStateException(
          "BRAINTRUST_API_KEY is not set (in the environment or a .env.braintrust file)");
    }
    apiKey(key);
    String url = env.get("BRAINTRUST_API_URL");
    if (url != null) {
      baseUrl(url);
    }
    String org = env.get("BRAINTRUST_ORG_NAME");
    if (org != null) {
      orgName(org);
    }
    return proxyFromEnvironment(env.processEnvironment());
  }

  /** {@link #fromEnvironment(BraintrustEnv)} over a map alone, with no file fallback (tests). */
  BraintrustClientBuilder fromEnvironment(Map<String, String> env) {
    return fromEnvironment(BraintrustEnv.of(env, null));
  }

  /**
   * Routes through the proxy that {@code env} names, as curl does: {@code HTTPS_PROXY} ({@code
   * HTTP_PROXY} for an http base URL) unless the host is listed in {@code NO_PROXY}; either case.
   * Picked when the client is built, so a later {@link #proxy} wins.
   *
   * @param env environment variables, usually {@code System.getenv()}
   * @return this builder
   */
  public BraintrustClientBuilder proxyFromEnvironment(Map<String, String> env) {
    Map<String, String> vars = new HashMap<>();
    for (String name : PROXY_VARIABLES) {
      String v = env.get(name);
      if (v != null) {
        vars.put(name, v);
      }
    }
    this.proxyEnvironment = vars;
    return this;
  }

  /**
   * The client.
   *
   * @throws IllegalArgumentException when the API key is missing, the URL is refused, TLS options
   *     are given for a plain http URL, or the proxy settings are not valid
   */
  public BraintrustClient build() {
    return build(null);
  }

  /** The client; when {@code unusable} is given, every call fails with it (no key configured). */
  BraintrustClient build(@Nullable String unusable) {
    if (apiKey == null) {
      throw new IllegalArgumentException("apiKey must not be null or blank");
    }
    String url = ClientChecks.baseUrl(baseUrl, allowInsecureHttp);
    URI target = URI.create(url);
    Map<String, String> extra = new LinkedHashMap<>();
    headers.values().forEach(e -> extra.put(e.getKey(), e.getValue()));
    return new BraintrustClient(
        new ClientConfig(
            url,
            apiKey,
            impersonateUser,
            orgName,
            extra,
            gzip,
            gzipLevel,
            maxRequestBytes,
            maxRetries,
            minBackoff,
            maxBackoff,
            maxRetryAfter,
            requestTimeout,
            connectTimeout,
            maxIdleTime,
            maxConnections,
            ProxyRouting.forTarget(proxyFor(target), target),
            tls(target),
            timer,
            registry,
            loopResources,
            connectionProvider),
        unusable);
  }

  private @Nullable ProxyConfig proxyFor(URI target) {
    if (proxy != null) {
      return proxy.config();
    }
    if (proxyEnvironment != null) {
      ProxyConfig fromEnv = ProxyRouting.fromEnvironment(proxyEnvironment, target);
      if (fromEnv != null) {
        return fromEnv;
      }
    }
    return ProxyRouting.fromJvm(target);
  }

  private @Nullable SslContext tls(URI target) {
    boolean custom = trust != null || clientKeys != null;
    if (sslContext == null && !custom) {
      return null;
    }
    if (sslContext != null && custom) {
      throw new IllegalArgumentException(
          "sslContext replaces trustStore, trustedCertificates and clientCertificate; set one or"
              + " the others");
    }
    if (!"https".equals(target.getScheme())) {
      throw new IllegalArgumentException(
          "TLS options apply to https only, but baseUrl '" + target + "' is plain http");
    }
    return sslContext != null ? sslContext : TlsSettings.clientContext(trust, clientKeys);
  }
}

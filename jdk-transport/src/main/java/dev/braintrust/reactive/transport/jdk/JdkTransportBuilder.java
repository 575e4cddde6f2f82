package dev.braintrust.reactive.transport.jdk;

import dev.braintrust.reactive.transport.jdk.internal.JdkHttp;
import dev.braintrust.reactive.transport.jdk.internal.TrustedCertificates;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link JdkTransport}. Only the API key is required. Proxies are the JVM's ({@code
 * https.proxyHost}, {@code http.nonProxyHosts}, ...) unless {@link #proxy} says otherwise.
 */
public final class JdkTransportBuilder {
  // Set by the transport itself, or framing headers an extra value would break.
  private static final Set<String> RESERVED =
      Set.of(
          "authorization",
          "x-bt-org-name",
          "user-agent",
          "accept",
          "accept-encoding",
          "content-type",
          "content-encoding",
          "content-length",
          "transfer-encoding",
          "host",
          "connection",
          "keep-alive",
          "upgrade",
          "te",
          "trailer",
          "expect",
          "proxy-authorization");

  @Nullable String apiKey;
  String baseUrl = JdkTransport.US_URL;
  @Nullable String orgName;
  final Map<String, String> headers = new LinkedHashMap<>();
  int gzipLevel = 1;
  long maxRequestBytes = 5L * 1024 * 1024;
  Duration maxRetryAfter = Duration.ofSeconds(60);
  Duration requestTimeout = Duration.ofSeconds(30);
  Duration connectTimeout = Duration.ofSeconds(10);
  private @Nullable ProxySelector proxy;
  private @Nullable SSLContext ssl;
  private Consumer<Runnable> requestScope = Runnable::run;

  JdkTransportBuilder() {}

  /**
   * The API key, sent as a Bearer token (required).
   *
   * @param apiKey the key
   * @return this builder
   */
  public JdkTransportBuilder apiKey(String apiKey) {
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalArgumentException("apiKey must not be null or blank");
    }
    this.apiKey = apiKey.strip();
    return this;
  }

  /**
   * The API's base URL (default {@link JdkTransport#US_URL}): {@code http} or {@code https}, with
   * no query.
   *
   * @param baseUrl the base URL
   * @return this builder
   */
  public JdkTransportBuilder baseUrl(String baseUrl) {
    URI uri;
    try {
      uri = URI.create(Objects.requireNonNull(baseUrl, "baseUrl").strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("baseUrl is not a URL: '" + baseUrl + "'", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "baseUrl must be an http or https URL with a host, got '" + baseUrl + "'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "baseUrl must not have a query or fragment, got '" + baseUrl + "'");
    }
    String s = uri.toString();
    this.baseUrl = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    return this;
  }

  /**
   * The organisation, for keys that belong to several: sent as {@code x-bt-org-name} and used when
   * projects are created by name.
   *
   * @param orgName the organisation's name
   * @return this builder
   */
  public JdkTransportBuilder orgName(String orgName) {
    this.orgName = headerValue("orgName", orgName);
    return this;
  }

  /**
   * An extra header on every request to the API (not to the object store).
   *
   * @param name an HTTP token, not one the transport sets itself
   * @param value the value
   * @return this builder
   */
  public JdkTransportBuilder header(String name, String value) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("header name must not be null or blank");
    }
    String n = name.strip();
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
        throw new IllegalArgumentException(
            "header name '" + n + "' is not an HTTP token (invalid character at index " + i + ")");
      }
    }
    if (RESERVED.contains(n.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "header '" + n + "' is set by the transport and cannot be added");
    }
    headers.put(n, headerValue("header " + n, value));
    return this;
  }

  /**
   * The gzip level of request bodies, 1 (fastest, the default) to 9; 0 sends them uncompressed.
   *
   * @param level 0 to 9
   * @return this builder
   */
  public JdkTransportBuilder gzipLevel(int level) {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException("gzipLevel must be between 0 and 9, got " + level);
    }
    this.gzipLevel = level;
    return this;
  }

  /**
   * The largest uncompressed insert body (default 5 MiB): the exporter cuts its batches to fit.
   *
   * @param bytes at least 1 KiB
   * @return this builder
   */
  public JdkTransportBuilder maxRequestBytes(long bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("maxRequestBytes must be at least 1024, got " + bytes);
    }
    this.maxRequestBytes = bytes;
    return this;
  }

  /**
   * The longest {@code Retry-After} the exporter honours (default 60 s).
   *
   * @param cap a positive duration
   * @return this builder
   */
  public JdkTransportBuilder maxRetryAfter(Duration cap) {
    this.maxRetryAfter = positive("maxRetryAfter", cap);
    return this;
  }

  /**
   * The longest wait for a whole answer (default 30 s); a request that times out is sent again by
   * the exporter, never counted failed.
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public JdkTransportBuilder requestTimeout(Duration timeout) {
    this.requestTimeout = positive("requestTimeout", timeout);
    return this;
  }

  /**
   * The longest wait for a connection (default 10 s).
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public JdkTransportBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = positive("connectTimeout", timeout);
    return this;
  }

  /**
   * Where requests go through (default: {@link ProxySelector#getDefault()}, the JVM's proxy
   * properties); {@code HttpClient.Builder.NO_PROXY} connects directly.
   *
   * @param proxy the proxy selector
   * @return this builder
   */
  public JdkTransportBuilder proxy(ProxySelector proxy) {
    this.proxy = Objects.requireNonNull(proxy, "proxy");
    return this;
  }

  /**
   * Trusts exactly the CA certificates in this PEM file instead of the JVM's default ones; read
   * now. Host names are still verified.
   *
   * @param pemFile one or more {@code -----BEGIN CERTIFICATE-----} blocks
   * @return this builder
   */
  public JdkTransportBuilder trustedCertificates(Path pemFile) {
    this.ssl = TrustedCertificates.context(Objects.requireNonNull(pemFile, "trustedCertificates"));
    return this;
  }

  /**
   * Runs every request (the JDK client's {@code send}, on the transport's sender thread, until the
   * answer is in) inside a scope of the caller's: {@code
   * InstrumentationUtil::suppressInstrumentation} keeps an OpenTelemetry agent, which instruments
   * the JDK HttpClient, from tracing the exporter's own requests (and exporting those spans in
   * turn). The scope must run the task it is given, once, on the calling thread.
   *
   * @param scope runs the task it is given
   * @return this builder
   */
  public JdkTransportBuilder requestScope(Consumer<Runnable> scope) {
    this.requestScope = Objects.requireNonNull(scope, "requestScope");
    return this;
  }

  /**
   * The transport, with its own HTTP client.
   *
   * @return the transport
   * @throws IllegalStateException if no API key was given
   */
  public JdkTransport build() {
    if (apiKey == null) {
      throw new IllegalStateException("apiKey is required: set it with apiKey(...)");
    }
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            // HTTP/2 where TLS negotiates it; plain http stays HTTP/1.1, with no h2c upgrade
            // attempt on a POST that some servers and proxies mishandle.
            .version(
                baseUrl.startsWith("https:")
                    ? HttpClient.Version.HTTP_2
                    : HttpClient.Version.HTTP_1_1);
    b.proxy(proxy != null ? proxy : ProxySelector.getDefault());
    if (ssl != null) {
      b.sslContext(ssl);
    }
    JdkHttp http =
        new JdkHttp(
            b.build(), baseUrl, apiKey, orgName, Map.copyOf(headers), requestTimeout, requestScope);
    return new JdkTransport(this, http);
  }

  private static String headerValue(String what, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be null or blank");
    }
    String v = value.strip();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        throw new IllegalArgumentException(
            what + " must not contain control characters (found one at index " + i + ")");
      }
    }
    return v;
  }

  private static Duration positive(String what, @Nullable Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be a positive duration, got " + d);
    }
    return d;
  }
}

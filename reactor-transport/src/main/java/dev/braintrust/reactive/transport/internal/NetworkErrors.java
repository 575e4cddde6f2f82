package dev.braintrust.reactive.transport.internal;

import dev.braintrust.reactive.core.BraintrustException;
import io.netty.handler.proxy.ProxyConnectException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns failures that sending again cannot fix (a refused server certificate, a refused or missing
 * client certificate, a proxy that wants credentials or forbids the tunnel) into a {@link
 * BraintrustException} that says what to change. Not being an {@code IOException}, it is not
 * retried. Other failures pass through unchanged.
 */
public final class NetworkErrors {
  private static final Pattern PROXY_STATUS = Pattern.compile("status: (\\d{3})");
  // Alerts a server sends when the client certificate is missing or not accepted.
  private static final Pattern CLIENT_CERTIFICATE_ALERT =
      Pattern.compile(
          "Received fatal alert: (bad_certificate|certificate_required|certificate_unknown"
              + "|certificate_expired|certificate_revoked|unsupported_certificate)");

  private final String baseUrl;
  private final @Nullable ProxyConfig proxy;

  /** For a client of {@code baseUrl}, through {@code proxy} if not null. */
  public NetworkErrors(String baseUrl, @Nullable ProxyConfig proxy) {
    this.baseUrl = baseUrl;
    this.proxy = proxy;
  }

  /** {@code e}, or an explanation of it when retrying is pointless. */
  public Throwable explain(Throwable e) {
    if (e instanceof BraintrustException) {
      return e;
    }
    if (TlsSettings.isCertificateRefusal(e)) {
      return new BraintrustException(
          "TLS to "
              + baseUrl
              + " failed: the server's certificate was refused ("
              + tlsMessage(e)
              + "). If a corporate proxy or a private CA signs it, give that CA with"
              + " BraintrustClientBuilder.trustedCertificates(...) or trustStore(...)",
          e);
    }
    javax.net.ssl.SSLException tls = find(e, javax.net.ssl.SSLException.class);
    if (tls != null
        && tls.getMessage() != null
        && CLIENT_CERTIFICATE_ALERT.matcher(tls.getMessage()).find()) {
      return new BraintrustException(
          "TLS to "
              + baseUrl
              + " failed: the server refused the client certificate, or wants one ("
              + tls.getMessage()
              + "); give one it accepts with BraintrustClientBuilder.clientCertificate(...)",
          e);
    }
    ProxyConnectException refused = find(e, ProxyConnectException.class);
    if (refused != null && proxy != null) {
      int status = proxyStatus(refused);
      if (status == 407) {
        return new BraintrustException(
            "the proxy "
                + proxy.host()
                + ":"
                + proxy.port()
                + " answered 407 Proxy Authentication Required"
                + (proxy.username() == null
                    ? "; give its credentials with ProxyOptions.builder().credentials(...),"
                        + " http://user:password@host:port in HTTPS_PROXY, or the"
                        + " https.proxyUser/https.proxyPassword system properties"
                    : "; it refused the credentials of user '" + proxy.username() + "'"),
            refused);
      }
      if (status >= 400 && status < 500 && status != 408 && status != 429) {
        return new BraintrustException(
            "the proxy "
                + proxy.host()
                + ":"
                + proxy.port()
                + " refused to open a tunnel to "
                + baseUrl
                + " (status "
                + status
                + ")",
            refused);
      }
    }
    return e;
  }

  private static int proxyStatus(ProxyConnectException e) {
    Matcher m = PROXY_STATUS.matcher(String.valueOf(e.getMessage()));
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static <T extends Throwable> @Nullable T find(Throwable e, Class<T> type) {
    int depth = 0;
    for (Throwable t = e; t != null && depth < 10; t = t.getCause(), depth++) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String tlsMessage(Throwable e) {
    javax.net.ssl.SSLException tls = find(e, javax.net.ssl.SSLException.class);
    String m = tls == null ? null : tls.getMessage();
    return m != null ? m : String.valueOf(e);
  }
}

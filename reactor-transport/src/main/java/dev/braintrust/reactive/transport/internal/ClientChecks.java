package dev.braintrust.reactive.transport.internal;

import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The build-time checks of client settings. */
public final class ClientChecks {
  private ClientChecks() {}

  /**
   * The base URL without a trailing slash. Plain http is refused unless the host is loopback by
   * address or {@code allowInsecure} is set, because the API key travels in every request.
   */
  public static String baseUrl(@Nullable String url, boolean allowInsecure) {
    Objects.requireNonNull(url, "baseUrl");
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("baseUrl '" + url + "' is not a valid URL", e);
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException("baseUrl '" + url + "' must be an http(s) URL with a host");
    }
    if (scheme.equals("http") && !allowInsecure && !isLoopback(host)) {
      throw new IllegalArgumentException("baseUrl '" + url + "' uses plain http to a non-loopback host;"
          + " use https, or allowInsecureHttp(true) if you really mean it");
    }
    String s = uri.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Whether plain http to {@code host} stays on this machine.
   */
  public static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
  }
}

package dev.braintrust.reactive.transport.internal;

import dev.braintrust.reactive.core.internal.Origin;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The identifying headers every request carries, and the checks on extra headers. */
public final class RequestHeaders {
  /** Names the organisation for keys that belong to several; the official SDKs send it. */
  public static final String ORG_NAME = "x-bt-org-name";

  /** Runs a request as another user (spec: "Impersonate users"). */
  public static final String IMPERSONATE_USER = "x-bt-impersonate-user";

  // The build version, as span rows carry it in context.span_origin.version.
  private static final String VERSION = Origin.version();
  private static final String USER_AGENT =
      "braintrust-reactive-java/" + VERSION + " Java/" + System.getProperty("java.version", "?");

  // Set by the client itself, or framing and hop-by-hop headers that an extra value would break.
  private static final Map<String, String> RESERVED =
      Map.ofEntries(
          Map.entry("authorization", "it carries the API key; use apiKey(...)"),
          Map.entry(ORG_NAME, "use orgName(...)"),
          Map.entry(IMPERSONATE_USER, "use impersonateUser(...) or Impersonation.as(...)"),
          Map.entry("user-agent", "the client names itself and its version"),
          Map.entry("accept", "it depends on the call"),
          Map.entry("accept-encoding", "the client negotiates compression"),
          Map.entry("content-type", "it depends on the call"),
          Map.entry("content-encoding", "use gzip(...)"),
          Map.entry("content-length", "it frames the body"),
          Map.entry("transfer-encoding", "it frames the body"),
          Map.entry("host", "it comes from the base URL"),
          Map.entry("connection", "the connection pool manages it"),
          Map.entry("keep-alive", "the connection pool manages it"),
          Map.entry("upgrade", "the connection pool manages it"),
          Map.entry("te", "the connection pool manages it"),
          Map.entry("trailer", "it frames the body"),
          Map.entry("expect", "it frames the body"),
          Map.entry("proxy-authorization", "use ProxyOptions credentials"),
          Map.entry("proxy-connection", "the connection pool manages it"));

  private RequestHeaders() {}

  /** {@code braintrust-reactive-java/VERSION Java/JAVA_VERSION}. */
  public static String userAgent() {
    return USER_AGENT;
  }

  /** This library's version, or {@code unknown} when its build information is missing. */
  public static String version() {
    return VERSION;
  }

  /**
   * An extra header's name: an HTTP token (RFC 9110), not one the client sets itself. Returned as
   * given; headers compare case-insensitively.
   */
  public static String name(@Nullable String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("header name must not be null or blank");
    }
    String n = name.strip();
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      boolean token =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        throw new IllegalArgumentException(
            "header name '"
                + n.replaceAll("\\p{Cntrl}", "?")
                + "' is not an HTTP token (invalid character at index "
                + i
                + ")");
      }
    }
    String why = RESERVED.get(n.toLowerCase(Locale.ROOT));
    if (why != null) {
      throw new IllegalArgumentException(
          "header '" + n + "' is set by the client and cannot be added: " + why);
    }
    return n;
  }
}

package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.export.internal.RetryPolicy;
import dev.braintrust.reactive.transport.BraintrustApiException;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns replies into exceptions that are safe to log: a server (or a proxy in front of it) may echo
 * the request, Authorization header included, so every text taken from a reply has the API key (and
 * the proxy's password) redacted, and long bodies are cut short.
 */
public final class ApiErrors {
  /** Shown instead of the key. */
  public static final String REDACTED = "[redacted]";

  static final int MAX_BODY_CHARS = 300;
  // Shorter keys aren't real keys, and replacing every occurrence of one would garble messages.
  private static final int MIN_REDACTED_LENGTH = 8;

  private final List<String> secrets;

  /** Redacts {@code apiKey} from every message. */
  public ApiErrors(String apiKey) {
    this(apiKey, null);
  }

  /** Redacts {@code apiKey}, and the proxy's password when there is one, from every message. */
  public ApiErrors(String apiKey, @Nullable String proxyPassword) {
    List<String> s = new ArrayList<>(2);
    for (String secret : new String[] {apiKey, proxyPassword}) {
      if (secret != null && secret.length() >= MIN_REDACTED_LENGTH) {
        s.add(secret);
      }
    }
    this.secrets = List.copyOf(s);
  }

  /** {@code text} without the secrets. */
  public String redact(String text) {
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, REDACTED);
    }
    return out;
  }

  /** A non-2xx reply as an exception carrying the server's {@code error} text. */
  public BraintrustApiException status(
      String method, String path, int status, HttpHeaders headers, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    String error = text;
    try {
      JsonNode n = Json.MAPPER.readTree(body);
      if (n != null && n.hasNonNull("error")) {
        error =
            truncate(
                n.get("error").isTextual() ? n.get("error").asText() : n.get("error").toString());
      } else {
        error = truncate(text);
      }
    } catch (IOException notJson) {
      error = truncate(text);
    }
    if (error.isEmpty()) {
      error = "(empty body)";
    }
    String requestId = headers.get("x-bt-request-id");
    if (requestId == null) {
      requestId = headers.get("x-request-id");
    }
    if (requestId == null) {
      requestId = headers.get("x-amzn-requestid");
    }
    return new BraintrustApiException(
        method,
        path,
        status,
        redact(error),
        requestId == null ? null : redact(requestId),
        RetryPolicy.parseRetryAfter(headers.get("Retry-After"), System.currentTimeMillis()));
  }

  /**
   * A reply whose status looked fine but whose body is not what the endpoint returns (an HTML error
   * page from a proxy, say). Not retryable: sending again would get the same page.
   */
  public BraintrustApiException unexpected(
      String method,
      String path,
      int status,
      @Nullable String contentType,
      byte[] body,
      String expected) {
    String what =
        body.length == 0
            ? "an empty body"
            : (contentType == null ? "a body without content type" : contentType)
                + ": "
                + truncate(new String(body, StandardCharsets.UTF_8));
    return new BraintrustApiException(
        method, path, status, redact("expected " + expected + ", got " + what), null, null);
  }

  /**
   * {@code e} if its messages are free of the secrets, else a {@link BraintrustException} with the
   * redacted message and no cause (the cause would carry them).
   */
  public Throwable scrub(Throwable e) {
    if (secrets.isEmpty()) {
      return e;
    }
    StringBuilder chain = new StringBuilder();
    boolean leaks = false;
    int depth = 0;
    for (Throwable t = e; t != null && depth < 10; t = t.getCause(), depth++) {
      String m = String.valueOf(t);
      for (String secret : secrets) {
        leaks |= m.contains(secret);
      }
      chain.append(depth == 0 ? "" : "; caused by ").append(m);
    }
    return leaks ? new BraintrustException(redact(chain.toString())) : e;
  }

  static String truncate(String text) {
    String t = text.strip();
    if (t.length() <= MAX_BODY_CHARS) {
      return t;
    }
    return t.substring(0, MAX_BODY_CHARS) + "... (" + t.length() + " characters)";
  }
}
